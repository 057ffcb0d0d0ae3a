package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;

/**
 * The agent's only calls into the bootstrap bridge, kept in this one class so that nothing links
 * the bridge unless {@link BootstrapBridge#inject} found it to be the shape this build was
 * compiled for: a bridge of another build (left on the bootstrap class path by an earlier attach)
 * would fail to link inside Flink's buffer request or in the sampler.
 */
final class BridgeLink {

    private BridgeLink() {
    }

    /** Installs {@code recorder} as the bridge's handler, or none. */
    static void install(WaitRecorder recorder) {
        ChokepointBridge.install(recorder == null ? null : new Handler(recorder));
    }

    static long handlerFailures() {
        return ChokepointBridge.handlerFailures();
    }

    /** The bridge's handler: hands each request to the recorder, which never throws. */
    private static final class Handler implements ChokepointBridge.Handler {
        private final WaitRecorder recorder;

        Handler(WaitRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public long requestStarted() {
            return recorder.requestStarted();
        }

        @Override
        public void requestEnded(long startedNanos) {
            recorder.requestEnded(startedNanos);
        }
    }
}
