package dev.chokepoint.agent.export;

import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.api.HistoryText;

/**
 * The subtask figures published as Flink metrics, each read from the Task MBean's own getter, so
 * that Flink's metric and the MBean attribute are one computation.
 */
enum TaskFigure {
    BACK_PRESSURE_RATIO(FlinkMetricNames.BACK_PRESSURE_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getBackPressureRatio();
        }
    },
    LEVEL_CODE(FlinkMetricNames.LEVEL_CODE) {
        @Override
        Object read(TaskView view) {
            return view.getLevelCode();
        }
    },
    HARD_RATIO(FlinkMetricNames.HARD_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getHardBackPressureRatio();
        }
    },
    SOFT_RATIO(FlinkMetricNames.SOFT_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getSoftBackPressureRatio();
        }
    },
    IDLE_RATIO(FlinkMetricNames.IDLE_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getIdleRatio();
        }
    },
    BUSY_RATIO(FlinkMetricNames.BUSY_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getBusyRatio();
        }
    },
    BLOCKED_TIME_MS_PER_SECOND(FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND) {
        @Override
        Object read(TaskView view) {
            return view.getBackPressuredTimeMsPerSecond();
        }
    },
    BUFFER_WAIT_P99_MICROS(FlinkMetricNames.BUFFER_WAIT_P99_MICROS) {
        @Override
        Object read(TaskView view) {
            return view.getBufferWaitP99Micros();
        }
    },
    CPU_RATIO(FlinkMetricNames.CPU_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getCpuRatio();
        }
    },
    GC_RATIO(FlinkMetricNames.GC_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getGcRatio();
        }
    },
    LOCK_RATIO(FlinkMetricNames.LOCK_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getLockRatio();
        }
    },
    IO_RATIO(FlinkMetricNames.IO_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getIoRatio();
        }
    },
    SLEEP_RATIO(FlinkMetricNames.SLEEP_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getSleepRatio();
        }
    },
    EXTERNAL_WAIT_RATIO(FlinkMetricNames.EXTERNAL_WAIT_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getExternalWaitRatio();
        }
    },
    OTHER_BUSY_RATIO(FlinkMetricNames.OTHER_BUSY_RATIO) {
        @Override
        Object read(TaskView view) {
            return view.getOtherBusyRatio();
        }
    },
    CAUSE(FlinkMetricNames.CAUSE, Shape.TEXT) {
        @Override
        Object read(TaskView view) {
            return view.getCause();
        }
    },
    /** Every figure above and the pools in one text, for Flink's REST API (see {@link FlinkMetricNames#FIGURES}). */
    FIGURES(FlinkMetricNames.FIGURES, Shape.GATHERED) {
        @Override
        Object read(TaskView view) {
            StringBuilder text = new StringBuilder(256);
            for (String field : FlinkMetricNames.FIGURE_FIELDS) {
                if (text.length() > 0) {
                    text.append(FlinkMetricNames.FIELD_SEPARATOR);
                }
                text.append(FigureField.read(field, view));
            }
            return text.toString();
        }
    },
    /** The history's points and latest episodes in one text (see {@link HistoryText}). */
    HISTORY(FlinkMetricNames.HISTORY, Shape.GATHERED) {
        @Override
        Object read(TaskView view) {
            return HistoryText.encode(view.getHistoryStepMillis(), view.getHistoryEndMillis(), view.getHistory(),
                    view.getEpisodes());
        }
    };

    /** What a gauge holds. */
    enum Shape {
        /** One number, NaN when unknown; a field of {@link #FIGURES}. */
        NUMBER,
        /** One text, empty when unknown; a field of {@link #FIGURES}. */
        TEXT,
        /** A text of several figures, empty when unknown; no field of {@link #FIGURES}. */
        GATHERED
    }

    final String metricName;
    private final Shape shape;

    TaskFigure(String metricName) {
        this(metricName, Shape.NUMBER);
    }

    TaskFigure(String metricName, Shape shape) {
        this.metricName = metricName;
        this.shape = shape;
    }

    /** The figure now, boxed as the gauge returns it. */
    abstract Object read(TaskView view);

    /** One figure of its own, a field of {@link #FIGURES}; false for the texts that gather several. */
    boolean single() {
        return shape != Shape.GATHERED;
    }

    /** What the gauge reads when the agent cannot say: NaN, or empty text. */
    Object unknown() {
        return shape == Shape.NUMBER ? (Object) Double.NaN : "";
    }
}
