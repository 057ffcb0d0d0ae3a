package dev.chokepoint.agent.config;

/** A {@code fully.qualified.Class#method} that marks a thread as blocked on a buffer. */
public final class FrameSignature {

    private final String className;
    private final String methodName;

    public FrameSignature(String className, String methodName) {
        this.className = className;
        this.methodName = methodName;
    }

    public String className() {
        return className;
    }

    public String methodName() {
        return methodName;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FrameSignature)) {
            return false;
        }
        FrameSignature other = (FrameSignature) o;
        return className.equals(other.className) && methodName.equals(other.methodName);
    }

    @Override
    public int hashCode() {
        return className.hashCode() * 31 + methodName.hashCode();
    }

    @Override
    public String toString() {
        return className + "#" + methodName;
    }
}
