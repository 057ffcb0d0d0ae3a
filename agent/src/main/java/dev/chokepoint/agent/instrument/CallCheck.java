package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Counts, in the code a rewrite wrote, the calls of one bridge method from the methods of one
 * name, and reports the count when the class has been written. Placed nearest the class writer,
 * after the rewrite, so that it sees what Flink's class will really run: a substitution whose
 * matcher found no call site leaves no bridge call, and that is what it tells.
 */
final class CallCheck extends AsmVisitorWrapper.AbstractBase {

    /** Told once per written class. */
    interface Result {
        void found(int calls);
    }

    private static final String BRIDGE = ChokepointBridge.class.getName().replace('.', '/');

    private final String methodName;
    private final String bridgeMethod;
    private final Result result;

    CallCheck(String methodName, String bridgeMethod, Result result) {
        this.methodName = methodName;
        this.bridgeMethod = bridgeMethod;
        this.result = result;
    }

    @Override
    public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor,
                             Implementation.Context implementationContext, TypePool typePool,
                             net.bytebuddy.description.field.FieldList<FieldDescription.InDefinedShape> fields,
                             MethodList<?> methods, int writerFlags, int readerFlags) {
        return new ClassVisitor(OpenedClassReader.ASM_API, classVisitor) {
            private int calls;

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor visitor = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!methodName.equals(name)) {
                    return visitor;
                }
                return new MethodVisitor(OpenedClassReader.ASM_API, visitor) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String calledName, String calledDescriptor,
                                                boolean isInterface) {
                        if (opcode == Opcodes.INVOKESTATIC && BRIDGE.equals(owner) && bridgeMethod.equals(calledName)) {
                            calls++;
                        }
                        super.visitMethodInsn(opcode, owner, calledName, calledDescriptor, isInterface);
                    }
                };
            }

            @Override
            public void visitEnd() {
                super.visitEnd();
                result.found(calls);
            }
        };
    }
}
