package dev.chokepoint.agent.export;

import dev.chokepoint.api.FlinkMetricNames;

import java.util.HashMap;
import java.util.Map;

/**
 * Each field of the {@link TaskFigure#FIGURES} text by its name in the contract's
 * {@link FlinkMetricNames#FIGURE_FIELDS}, whose order alone decides the text's: the single figures
 * ({@link TaskFigure}) and the fields that are no metric of their own (the pools, the verdict).
 */
enum FigureField {
    OUT_POOL_USAGE(FlinkMetricNames.OUT_POOL_USAGE_FIELD) {
        @Override
        Object read(TaskView view) {
            return view.getOutPoolUsage();
        }
    },
    IN_POOL_USAGE(FlinkMetricNames.IN_POOL_USAGE_FIELD) {
        @Override
        Object read(TaskView view) {
            return view.getInPoolUsage();
        }
    },
    FLOATING_BUFFERS_USAGE(FlinkMetricNames.FLOATING_BUFFERS_USAGE_FIELD) {
        @Override
        Object read(TaskView view) {
            return view.getFloatingBuffersUsage();
        }
    },
    EXCLUSIVE_BUFFERS_USAGE(FlinkMetricNames.EXCLUSIVE_BUFFERS_USAGE_FIELD) {
        @Override
        Object read(TaskView view) {
            return view.getExclusiveBuffersUsage();
        }
    },
    REMOTE_INPUT_CHANNELS(FlinkMetricNames.REMOTE_INPUT_CHANNELS_FIELD) {
        @Override
        Object read(TaskView view) {
            return view.getRemoteInputChannels();
        }
    },
    PERSISTENCE(FlinkMetricNames.PERSISTENCE_FIELD) {
        @Override
        Object read(TaskView view) {
            return view.getPersistence();
        }
    };

    private static final Map<String, FigureField> FIELDS = new HashMap<>();
    private static final Map<String, TaskFigure> SINGLES = new HashMap<>();

    static {
        for (FigureField field : values()) {
            FIELDS.put(field.fieldName, field);
        }
        for (TaskFigure figure : TaskFigure.values()) {
            if (figure.single()) {
                SINGLES.put(figure.metricName, figure);
            }
        }
    }

    private final String fieldName;

    FigureField(String fieldName) {
        this.fieldName = fieldName;
    }

    abstract Object read(TaskView view);

    /** The field {@code name} of the subtask now; NaN for a name this agent has no getter of (a unit test forbids one). */
    static Object read(String name, TaskView view) {
        TaskFigure figure = SINGLES.get(name);
        if (figure != null) {
            return figure.read(view);
        }
        FigureField field = FIELDS.get(name);
        return field != null ? field.read(view) : Double.NaN;
    }

    /** Whether every field of the contract has a getter here. */
    static boolean coversTheContract() {
        for (String name : FlinkMetricNames.FIGURE_FIELDS) {
            if (!SINGLES.containsKey(name) && !FIELDS.containsKey(name)) {
                return false;
            }
        }
        return true;
    }
}
