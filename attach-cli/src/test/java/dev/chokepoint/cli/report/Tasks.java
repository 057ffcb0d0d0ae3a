package dev.chokepoint.cli.report;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Settings;
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

        Builder dataSets(List<String> produced, List<String> consumed) {
            this.produced = produced;
            this.consumed = consumed;
            return this;
        }

        TaskSnapshot build() {
            BackPressureLevel level = BackPressureLevel.of(ratio, Settings.LOW_DEFAULT, Settings.HIGH_DEFAULT);
            double rest = Math.max(0, 1 - ratio - busy);
            return new TaskSnapshot(vertex + " (" + (subtask + 1) + "/" + parallelism + ")#0", vertex, subtask,
                    parallelism, ratio, level.name(), level.code(), samples, (int) Math.round(ratio * samples),
                    new TaskSnapshot.BufferPools(out, in, floating, exclusive, ratio / 2, ratio / 2, rest, busy,
                            ratio * 1000, Double.NaN, Double.NaN, Double.NaN),
                    produced, consumed);
        }
    }
}
