package dev.chokepoint.e2e;

import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;

/**
 * Flink 1.x: the legacy {@code SourceFunction} / {@code SinkFunction} API where 1.9 to 1.20 have it,
 * for {@link BackpressureJob}. Compiled by the 1.9, 1.12 and 1.20 modules; the Flink 2.x module has
 * its own class of this name (2.0 moved these functions to {@code ...source.legacy} /
 * {@code ...sink.legacy} and removed {@code RuntimeContext.getIndexOfThisSubtask()}).
 */
public final class FlinkLegacyApi {

    private FlinkLegacyApi() {
    }

    /** A legacy parallel source ({@code RichParallelSourceFunction}). */
    public abstract static class ParallelSource<T> extends RichParallelSourceFunction<T> {
        private static final long serialVersionUID = 1L;

        /** 0-based index of this subtask. */
        @SuppressWarnings("deprecation")
        protected final int subtaskIndex() {
            return getRuntimeContext().getIndexOfThisSubtask();
        }

        /** Flink's {@code <task name> (<i+1>/<n>)[#attempt]}, as connectors name their helper threads. */
        @SuppressWarnings("deprecation")
        protected final String taskNameWithSubtasks() {
            return getRuntimeContext().getTaskNameWithSubtasks();
        }
    }

    /** A legacy sink ({@code RichSinkFunction}). */
    public abstract static class Sink<T> extends RichSinkFunction<T> {
        private static final long serialVersionUID = 1L;

        /** 0-based index of this subtask. */
        @SuppressWarnings("deprecation")
        protected final int subtaskIndex() {
            return getRuntimeContext().getIndexOfThisSubtask();
        }
    }
}
