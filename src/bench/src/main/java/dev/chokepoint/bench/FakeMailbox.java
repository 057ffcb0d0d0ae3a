package dev.chokepoint.bench;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stands in for Flink's {@code TaskMailboxImpl#take}: an idle task thread waits for a mail on a
 * {@link Condition}, WAITING in {@code LockSupport.park} but not in a buffer request. No mail ever comes.
 */
final class FakeMailbox {

    private final FakeTaskThreads owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    FakeMailbox(FakeTaskThreads owner) {
        this.owner = owner;
    }

    void take(FakeTaskThreads.FakeTaskThread caller) {
        lock.lock();
        try {
            caller.arrived();
            while (!owner.stopped()) {
                notEmpty.await();
            }
        } catch (InterruptedException e) {
            // the harness stops its threads by interrupting them
        } finally {
            lock.unlock();
        }
    }
}
