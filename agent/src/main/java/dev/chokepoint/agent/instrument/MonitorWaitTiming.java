package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Times the {@code lock.wait(millis)} calls of Flink 1.5–1.9's {@code requestMemorySegment(boolean)}
 * without putting a frame of ours between the wait and Flink's code: each call becomes
 * {@code lock.wait(ChokepointBridge.beforeWait(millis)); ChokepointBridge.afterWait();}, and an
 * exception out of the method (an interrupted wait) ends the wait too.
 *
 * <p>Why not a stand-in method as for 1.10+: Flink ≤1.9's own backpressure monitor (the web UI's,
 * {@code BackPressureStatsTrackerImpl}) keeps only the top 3 frames of each stack sample and
 * counts it when one is {@code LocalBufferPool.requestBufferBuilderBlocking}: {@code Object.wait},
 * {@code requestMemorySegment}, {@code requestBufferBuilderBlocking}. A stand-in frame pushes that
 * frame out, and Flink would call every backpressured task OK.
 */
final class MonitorWaitTiming {

    private static final String BRIDGE = ChokepointBridge.class.getName().replace('.', '/');

    private MonitorWaitTiming() {
    }

    /** The rewrite of the methods {@code method} matches. */
    static AsmVisitorWrapper in(ElementMatcher<? super MethodDescription> method) {
        return new AsmVisitorWrapper.Compound(
                new AsmVisitorWrapper.ForDeclaredMethods().method(method, new AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper() {
                    @Override
                    public MethodVisitor wrap(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                                              MethodVisitor methodVisitor, Implementation.Context implementationContext,
                                              TypePool typePool, int writerFlags, int readerFlags) {
                        return new AroundWait(methodVisitor);
                    }
                }),
                Advice.to(EndOnThrow.class).on(method));
    }

    /** Surrounds each {@code wait(long)} call: same operand stack before and after, no branch, no new local. */
    private static final class AroundWait extends MethodVisitor {
        AroundWait(MethodVisitor delegate) {
            super(OpenedClassReader.ASM_API, delegate);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            // Object.wait(long) is final: any owner's wait(J)V is that method.
            boolean monitorWait = opcode == Opcodes.INVOKEVIRTUAL && "wait".equals(name) && "(J)V".equals(descriptor);
            if (monitorWait) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "beforeWait", "(J)J", false);
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            if (monitorWait) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterWait", "()V", false);
            }
        }
    }

    /** Inlined at the method's exits: a wait that ended by an exception is ended here. */
    static final class EndOnThrow {
        private EndOnThrow() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ChokepointBridge.afterWait();
            }
        }
    }
}
