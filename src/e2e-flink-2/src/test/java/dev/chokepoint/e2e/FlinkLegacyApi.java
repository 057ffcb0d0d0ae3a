package dev.chokepoint.e2e;

import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.apache.flink.streaming.api.functions.source.legacy.RichParallelSourceFunction;

/**
 * Flink 2.x: the legacy {@code SourceFunction} / {@code SinkFunction} API for {@link BackpressureJob},
 * where 2.0 moved it ({@code ...functions.source.legacy}, {@code ...functions.sink.legacy}); the
 * subtask index moved to {@code RuntimeContext.getTaskInfo()}. The 1.x modules compile
 * {@code e2e-common/src/flink1}'s class of this name instead.
 */
public final class FlinkLegacyApi {

    private FlinkLegacyApi() {
    }

    /** A legacy parallel source ({@code RichParallelSourceFunction}). */
    public abstract static class ParallelSource<T> extends RichParallelSourceFunction<T> {
        private static final long serialVersionUID = 1L;

        /** 0-based index of this subtask. */
        protected final int subtaskIndex() {
            return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }

        /** Flink's {@code <task name> (<i+1>/<n>)#attempt}, as connectors name their helper threads. */
        protected final String taskNameWithSubtasks() {
            return getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        }
    }

    /** A legacy sink ({@code RichSinkFunction}). */
    public abstract static class Sink<T> extends RichSinkFunction<T> {
        private static final long serialVersionUID = 1L;

        /** 0-based index of this subtask. */
        protected final int subtaskIndex() {
            return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }
    }
}
