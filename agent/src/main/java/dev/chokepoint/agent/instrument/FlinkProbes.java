package dev.chokepoint.agent.instrument;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.agent.flink.ThreadRunnables;

import java.lang.instrument.Instrumentation;
import java.util.Set;

/**
 * What the agent reaches inside Flink beyond stack samples: each task thread's Flink task (for the
 * buffer gauges and output availability), and, with {@code instrument=true}, the timing of every
 * blocking buffer request. Each part fails alone, with one log line; sampling never depends on them.
 */
public final class FlinkProbes {

    private static final String BLOCKED_TIME_UNKNOWN = "BackPressuredTimeMsPerSecond is NaN";

    private final Instrumentation instrumentation;
    /** Null when the bootstrap bridge is ours to link; else why the timing is off. */
    private final String bridgeProblem;
    private final ThreadRunnables runnables;
    private final WaitRecorder recorder = new WaitRecorder();
    private volatile BufferRequestInstrumentation requests;
    private volatile boolean timing;

    /**
     * @param bridgeProblem what {@link BootstrapBridge#inject} said: null when the bridge may be
     *                      linked, else why not, and then nothing here links it (timing stays off)
     */
    public FlinkProbes(Instrumentation instrumentation, String bridgeProblem) {
        this.instrumentation = instrumentation;
        this.bridgeProblem = instrumentation == null ? "no java.lang.instrument.Instrumentation" : bridgeProblem;
        this.runnables = instrumentation == null ? null : ThreadRunnables.open(instrumentation);
    }

    /** Turns request timing on (rewriting the wait calls the first time) or off (the rewritten calls then only wait). */
    public synchronized void setTiming(boolean on) {
        if (bridgeProblem != null) {
            timing = false;
            return;
        }
        if (on && requests == null) {
            try {
                BufferRequestInstrumentation installed = new BufferRequestInstrumentation();
                installed.install(instrumentation);
                requests = installed;
            } catch (Throwable t) {
                AgentLog.error("buffer-request timing off: cannot install the instrumentation: " + t
                        + "; stack sampling goes on");
            }
        }
        timing = on && requests != null;
        BridgeLink.install(timing ? recorder : null);
    }

    /** Stops timing and gives Flink's classes their original code back; false, with a log line, when it cannot. */
    public synchronized boolean remove() {
        timing = false;
        if (bridgeProblem == null) {
            BridgeLink.install(null);
        }
        if (requests == null) {
            return true;
        }
        try {
            boolean reset = requests.reset(instrumentation);
            requests = null;
            return reset;
        } catch (Throwable t) {
            AgentLog.error("cannot restore Flink's original buffer-pool code: " + t
                    + "; the rewritten waits stay and only wait");
            return false;
        }
    }

    public boolean timing() {
        return timing;
    }

    /**
     * True while the blocked time can be vouched for: timing is on and no loaded buffer-pool class
     * was left untimed (a rewrite that matched no wait call, a class of unknown shape, a class that
     * could not be rewritten). Otherwise waits in that class are never timed, and a subtask's blocked
     * time would read 0 where it is unknown.
     */
    public boolean blockedTimeMeasured() {
        BufferRequestInstrumentation installed = requests;
        return timing && installed != null && installed.allTimed();
    }

    /** Reaches task threads' Flink tasks; null when this JVM does not let us. */
    public ThreadRunnables runnables() {
        return runnables;
    }

    public WaitRecorder recorder() {
        return recorder;
    }

    /** Failures the bridge swallowed inside Flink's requests; 0 when the bridge is not ours to read. */
    public long bridgeFailures() {
        return bridgeProblem == null ? BridgeLink.handlerFailures() : 0L;
    }

    /** Every failure on the buffer-request path: the recorder's and those the bridge swallowed. */
    public long instrumentationErrors() {
        return recorder.errors() + bridgeFailures();
    }

    /** For the Agent MBean: what is timed, or why nothing is. */
    public synchronized String status() {
        if (bridgeProblem != null) {
            return "off: " + bridgeProblem;
        }
        if (requests == null) {
            return timing ? "installing" : "off (instrument=false or failed, see the log)";
        }
        Set<String> timed = requests.instrumented();
        Set<String> untimed = requests.untimed();
        if (!untimed.isEmpty()) {
            String notTimed = "not timed: " + String.join(", ", untimed) + " (" + BLOCKED_TIME_UNKNOWN + ")";
            if (!timing) {
                return "paused (instrument=false): " + (timed.isEmpty() ? "" : String.join(", ", timed) + "; ") + notTimed;
            }
            return timed.isEmpty() ? "not timing: " + notTimed : "timing " + String.join(", ", timed) + "; " + notTimed;
        }
        String methods = timed.isEmpty() ? "no Flink buffer pool class loaded yet" : String.join(", ", timed);
        return (timing ? "timing " : "paused (instrument=false): ") + methods;
    }
}
