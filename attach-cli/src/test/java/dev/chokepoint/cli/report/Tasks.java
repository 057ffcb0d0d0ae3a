package dev.chokepoint.cli.report;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Settings;
import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.List;

/** Hand-made subtask snapshots. */
final class Tasks {

    private Tasks() {
    }

    static Builder task(String vertex, int subtask, int parallelism) {
        return new Builder(vertex, subtask, parallelism);
    }

    static final class Builder {
        final String vertex;
        final int subtask;
        final int parallelism;
        double ratio;
        double busy = 0.1;
        double out = Double.NaN;
        double in = Double.NaN;
        double floating = Double.NaN;
        double exclusive = Double.NaN;
        List<String> produced;
        List<String> consumed;
        int samples = Settings.SAMPLES_DEFAULT;
        int remoteChannels = -1;
        /** CPU, GC, LOCK, IO, SLEEP, EXTERNAL_WAIT, OTHER; null: all the busy time on the CPU. */
        double[] causes;
        Cause cause;
        String lockOwner = "";
        String lockClass = "";
        List<String> hotFrames = List.of();
        long recordsIn = -1;
        TaskSnapshot.Placement placement;
        TaskHistory history = TaskHistory.UNKNOWN;

        String jobName = "";
        String jobId = "";

        Builder(String vertex, int subtask, int parallelism) {
            this.vertex = vertex;
            this.subtask = subtask;
            this.parallelism = parallelism;
        }

        Builder ratio(double ratio) {
            this.ratio = ratio;
            return this;
        }

        Builder busy(double busy) {
            this.busy = busy;
            return this;
        }

        Builder out(double out) {
            this.out = out;
            return this;
        }

        Builder in(double in, double floating, double exclusive) {
            this.in = in;
            this.floating = floating;
            this.exclusive = exclusive;
            return this;
        }

        Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        /** The busy time by cause (shares of the window); busy is their sum. */
        Builder causes(double cpu, double gc, double lock, double io, double sleep, double externalWait, double other) {
            this.causes = new double[] {cpu, gc, lock, io, sleep, externalWait, other};
            this.busy = cpu + gc + lock + io + sleep + externalWait + other;
            return this;
        }

        /** The subtask's own Cause; without it, NONE when busy at most low, else its largest cause. */
        Builder cause(Cause cause) {
            this.cause = cause;
            return this;
        }

        Builder lock(String lockClass, String lockOwner) {
            this.lockClass = lockClass;
            this.lockOwner = lockOwner;
            return this;
        }

        Builder hotFrames(String... frames) {
            this.hotFrames = List.of(frames);
            return this;
        }

        Builder recordsIn(long recordsIn) {
            this.recordsIn = recordsIn;
            return this;
        }

        Builder remoteChannels(int remoteChannels) {
            this.remoteChannels = remoteChannels;
            return this;
        }

        Builder dataSets(List<String> produced, List<String> consumed) {
            this.produced = produced;
            this.consumed = consumed;
            return this;
        }

        /** The Flink job it belongs to, as the agent's Job and JobId attributes say. */
        Builder job(String name, String id) {
            this.jobName = name;
            this.jobId = id;
            return this;
        }

        Builder history(TaskHistory history) {
            this.history = history;
            return this;
        }

        /** Where it runs and what judged it: a subtask of a job read through Flink's REST API. */
        Builder on(String taskManager, String host, String judgedBy) {
            this.placement = new TaskSnapshot.Placement(taskManager, host, judgedBy);
            return this;
        }

        TaskSnapshot build() {
            BackPressureLevel level = BackPressureLevel.of(ratio, Settings.LOW_DEFAULT, Settings.HIGH_DEFAULT);
            double rest = Math.max(0, 1 - ratio - busy);
            double[] split = causes != null ? causes : new double[] {busy, 0, 0, 0, 0, 0, 0};
            Cause[] order = {Cause.CPU, Cause.GC, Cause.LOCK, Cause.IO, Cause.SLEEP, Cause.EXTERNAL_WAIT, Cause.OTHER};
            Cause own = cause;
            if (own == null) {
                own = Cause.NONE;
                if (busy > Settings.LOW_DEFAULT) {
                    int largest = 0;
                    for (int i = 1; i < split.length; i++) {
                        largest = split[i] > split[largest] ? i : largest;
                    }
                    own = order[largest];
                }
            }
            return new TaskSnapshot(vertex + " (" + (subtask + 1) + "/" + parallelism + ")#0", vertex, subtask,
                    parallelism, ratio, level.name(), level.code(), samples, (int) Math.round(ratio * samples),
                    new TaskSnapshot.BufferPools(out, in, floating, exclusive, ratio / 2, ratio / 2, rest, busy,
                            ratio * 1000, Double.NaN, Double.NaN, Double.NaN, remoteChannels),
                    produced, consumed,
                    new TaskSnapshot.BusyCauses(split[0], split[1], split[2], split[3], split[4], split[5], split[6], own,
                            lockOwner, lockClass, hotFrames, recordsIn),
                    placement != null ? placement : new TaskSnapshot.Placement(null, null, TaskSnapshot.Placement.BY_AGENT),
                    jobName, jobId, history);
        }
    }
}
