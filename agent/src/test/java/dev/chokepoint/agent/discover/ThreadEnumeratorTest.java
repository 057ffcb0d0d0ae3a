package dev.chokepoint.agent.discover;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadEnumeratorTest {

    @Test
    void readsEachThreadsIdNameGroupStateAndBlockerAndForgetsThemAfterTheTick() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Condition condition = lock.newCondition();
        CountDownLatch release = new CountDownLatch(1);
        ThreadGroup group = new ThreadGroup("enumerator-test");
        Thread parked = new Thread(group, () -> {
            lock.lock();
            try {
                while (release.getCount() > 0) {
                    condition.await(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }, "parked on a condition");
        parked.start();
        try {
            while (parked.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
            ThreadEnumerator enumerator = new ThreadEnumerator();
            int count = enumerator.enumerate();
            int slot = -1;
            for (int i = 0; i < count; i++) {
                if (enumerator.get(i) == parked) {
                    slot = i;
                }
            }
            assertTrue(slot >= 0, "the parked thread is listed");
            assertEquals(parked.getId(), enumerator.id(slot));
            assertEquals("parked on a condition", enumerator.name(slot));
            assertSame(group, enumerator.group(slot));
            assertEquals(Thread.State.TIMED_WAITING, enumerator.state(slot));
            assertSame(condition, enumerator.blocker(slot), "the Condition it is parked on");

            enumerator.clear();
            for (int i = 0; i < count; i++) {
                assertNull(enumerator.get(i), "no thread kept after the tick");
                assertNull(enumerator.blocker(i), "nor what it waited on");
                assertNull(enumerator.name(i));
                assertNull(enumerator.group(i));
            }
        } finally {
            release.countDown();
            lock.lock();
            try {
                condition.signalAll();
            } finally {
                lock.unlock();
            }
            parked.join();
        }
    }

    @Test
    void growsPastItsFirstArrays() throws Exception {
        int extra = 300; // the arrays start at 256
        CountDownLatch release = new CountDownLatch(1);
        Thread[] threads = new Thread[extra];
        for (int i = 0; i < extra; i++) {
            threads[i] = new Thread(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "waiter " + i);
            threads[i].start();
        }
        try {
            ThreadEnumerator enumerator = new ThreadEnumerator();
            int count = enumerator.enumerate();
            assertTrue(count >= extra, count + " threads");
            int found = 0;
            for (int i = 0; i < count; i++) {
                Thread thread = enumerator.get(i);
                assertEquals(thread.getId(), enumerator.id(i));
                assertEquals(thread.getName(), enumerator.name(i));
                if (enumerator.name(i).startsWith("waiter ")) {
                    found++;
                }
            }
            assertEquals(extra, found);
        } finally {
            release.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
