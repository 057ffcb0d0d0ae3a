package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.BusyCauses;
import dev.chokepoint.agent.aggregate.SampleWindow;
import dev.chokepoint.agent.aggregate.SubtaskHistory;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.api.TaskMXBean;
import org.HdrHistogram.Histogram;

import javax.management.AttributeChangeNotification;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;

/**
 * The JMX face of a {@link SubtaskState}. Sample figures are lock-free volatile reads; buffer
 * usages are read from the Flink task on demand. Emits an {@link AttributeChangeNotification} for
 * {@code BackPressureLevel} when the level changes, so that jconsole and VisualVM users can subscribe,
 * and {@link Episode#NOTIFICATION_START} / {@link Episode#NOTIFICATION_END} when an episode of its
 * history starts or ends, with the episode as user data.
 */
public final class TaskView extends ExportedMBean implements TaskMXBean, NotificationEmitter {

    /** What the agent has in force now, which a reconfiguration may change. */
    public interface ConfigSource {
        AgentConfig config();

        /**
         * True while every blocking buffer request is timed, so that blocked time exists: not with
         * {@code instrument=false}, nor when a loaded buffer-pool class times nothing (its waits would read 0).
         */
        boolean blockedTimeMeasured();
    }

    private static final MBeanNotificationInfo[] NOTIFICATIONS = {
        new MBeanNotificationInfo(new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
                AttributeChangeNotification.class.getName(), TaskAttributes.BACK_PRESSURE_LEVEL + " changed"),
        new MBeanNotificationInfo(new String[] {Episode.NOTIFICATION_START, Episode.NOTIFICATION_END},
                Notification.class.getName(), "a back-pressure episode started or ended (user data: the episode)")
    };

    private final SubtaskState state;
    private final ConfigSource configSource;
    private final ObjectName name;
    private final NotificationBroadcasterSupport notifications = new NotificationBroadcasterSupport(NOTIFICATIONS);
    private static final long INPUT_READ_REUSE_NANOS = 20_000_000L;

    private volatile InputRead lastInputRead;
    private BackPressureLevel lastLevel;
    private long sequence;
    /** Replaced (emptied) when the history's length or step changes. */
    private volatile SubtaskHistory history;

    public TaskView(SubtaskState state, ConfigSource configSource, ObjectName name) {
        this.state = state;
        this.configSource = configSource;
        this.name = name;
        AgentConfig config = configSource.config();
        this.history = new SubtaskHistory(config.historyPoints(), config.historyStepMillis());
    }

    /**
     * Sampler thread, when history steps have ended: their points, each the ratio of the step's
     * {@code ticks} samples (after a stall, {@code steps} points of the one ratio, so that the time
     * axis holds), and the notifications of the episodes they start or end.
     */
    void recordHistory(int ticks, int steps, long nowMillis, AgentConfig config) {
        SubtaskHistory h = history;
        if (h.capacity() != config.historyPoints() || h.stepMillis() != config.historyStepMillis()) {
            h = new SubtaskHistory(config.historyPoints(), config.historyStepMillis());
            history = h;
        }
        if (h.capacity() == 0) {
            return;
        }
        double ratio = state.recentBackPressureRatio(ticks);
        ratio = Double.isNaN(ratio) ? 0.0 : ratio;
        BackPressureLevel level = BackPressureLevel.of(ratio, config.low(), config.high());
        // the cause only for points inside an episode: computed once a step, not per tick
        Cause cause = h.wantsCause(level) ? causes().dominant(config.low()) : null;
        long step = config.historyStepMillis();
        for (int i = steps - 1; i >= 0; i--) {
            int event = h.record(nowMillis - i * step, ratio, level, cause);
            if (event != SubtaskHistory.NOTHING) {
                Episode episode = h.latestEpisode();
                boolean started = event == SubtaskHistory.STARTED;
                Notification notification = new Notification(
                        started ? Episode.NOTIFICATION_START : Episode.NOTIFICATION_END, name, ++sequence,
                        System.currentTimeMillis(), getThread() + ": back-pressure episode "
                        + (started ? "started: " : "ended: ") + episode);
                notification.setUserData(EpisodeData.of(episode));
                notifications.sendNotification(notification);
            }
        }
    }

    /** Sampler thread, after each tick: tells subscribers when the level has changed. */
    public void publishLevel() {
        BackPressureLevel level = level();
        if (lastLevel != null && level != lastLevel) {
            AttributeChangeNotification change = new AttributeChangeNotification(name, ++sequence,
                    System.currentTimeMillis(), getThread() + ": " + lastLevel + " -> " + level,
                    TaskAttributes.BACK_PRESSURE_LEVEL, String.class.getName(), lastLevel.name(), level.name());
            notifications.sendNotification(change);
        }
        lastLevel = level;
    }

    /** The subtask's Flink task; null when it has none (not Flink, or not bound yet). */
    FlinkTask task() {
        return state.task();
    }

    /**
     * Whether this view's figures are what its Flink metrics show: not once the agent has let the
     * subtask go (its task ended, or a detach), nor with {@code flinkMetrics=false}.
     */
    boolean feedsFlinkMetrics() {
        return !state.removed() && configSource.config().flinkMetrics();
    }

    @Override
    public String getThread() {
        return state.name().subtaskName();
    }

    @Override
    public String getJob() {
        String job = state.name().jobName();
        return job == null ? "" : job;
    }

    @Override
    public String getJobId() {
        String id = state.name().jobId();
        return id == null ? "" : id;
    }

    @Override
    public String getVertex() {
        return state.name().vertex();
    }

    @Override
    public int getSubtask() {
        return state.name().subtask();
    }

    @Override
    public int getParallelism() {
        return state.name().parallelism();
    }

    @Override
    public int getAttempt() {
        return state.name().attempt();
    }

    @Override
    public double getBackPressureRatio() {
        return SampleWindow.backPressureRatio(state.snapshot());
    }

    @Override
    public String getBackPressureLevel() {
        return level().name();
    }

    @Override
    public int getLevelCode() {
        return level().code();
    }

    @Override
    public int getSamples() {
        return SampleWindow.samples(state.snapshot());
    }

    @Override
    public int getBlockedSamples() {
        return SampleWindow.backPressured(state.snapshot());
    }

    @Override
    public double getHardBackPressureRatio() {
        return SampleWindow.ratio(state.snapshot(), SampleKind.HARD);
    }

    @Override
    public double getSoftBackPressureRatio() {
        return SampleWindow.ratio(state.snapshot(), SampleKind.SOFT);
    }

    @Override
    public double getIdleRatio() {
        return SampleWindow.ratio(state.snapshot(), SampleKind.IDLE);
    }

    @Override
    public double getBusyRatio() {
        return SampleWindow.ratio(state.snapshot(), SampleKind.BUSY);
    }

    @Override
    public double getOutPoolUsage() {
        FlinkTask task = state.task();
        return task == null ? Double.NaN : task.outPoolUsage();
    }

    @Override
    public double getInPoolUsage() {
        FlinkTask.InputBuffers buffers = inputBuffers();
        return buffers == null ? Double.NaN : buffers.inPoolUsage();
    }

    @Override
    public double getFloatingBuffersUsage() {
        FlinkTask.InputBuffers buffers = inputBuffers();
        return buffers == null ? Double.NaN : buffers.floatingUsage();
    }

    @Override
    public double getExclusiveBuffersUsage() {
        FlinkTask.InputBuffers buffers = inputBuffers();
        return buffers == null ? Double.NaN : buffers.exclusiveUsage();
    }

    @Override
    public int getRemoteInputChannels() {
        FlinkTask.InputBuffers buffers = inputBuffers();
        return buffers == null ? -1 : buffers.remoteChannels;
    }

    @Override
    public double getBackPressuredTimeMsPerSecond() {
        return configSource.blockedTimeMeasured() ? state.blockedMsPerSecond() : Double.NaN;
    }

    @Override
    public double getBufferWaitP50Micros() {
        Histogram waits = state.waits();
        return waits == null || waits.getTotalCount() == 0 ? Double.NaN : waits.getValueAtPercentile(50.0);
    }

    @Override
    public double getBufferWaitP99Micros() {
        Histogram waits = state.waits();
        return waits == null || waits.getTotalCount() == 0 ? Double.NaN : waits.getValueAtPercentile(99.0);
    }

    @Override
    public double getBufferWaitMaxMicros() {
        Histogram waits = state.waits();
        return waits == null || waits.getTotalCount() == 0 ? Double.NaN : waits.getMaxValue();
    }

    @Override
    public String[] getProducedPartitions() {
        FlinkTask task = state.task();
        return task == null ? new String[0] : task.producedPartitions();
    }

    @Override
    public String[] getConsumedPartitions() {
        FlinkTask task = state.task();
        return task == null ? new String[0] : task.consumedPartitions();
    }

    @Override
    public double getCpuRatio() {
        return causes().cpu;
    }

    @Override
    public double getGcRatio() {
        return causes().gc;
    }

    @Override
    public double getLockRatio() {
        return causes().lock;
    }

    @Override
    public double getIoRatio() {
        return causes().io;
    }

    @Override
    public double getSleepRatio() {
        return causes().sleep;
    }

    @Override
    public double getExternalWaitRatio() {
        return causes().external;
    }

    @Override
    public double getOtherBusyRatio() {
        return causes().other;
    }

    @Override
    public String getCause() {
        return causes().dominant(configSource.config().low()).name();
    }

    @Override
    public String getLockOwner() {
        return state.lockOwner();
    }

    @Override
    public String getLockClass() {
        return state.lockClass();
    }

    @Override
    public String[] getHotFrames() {
        return state.hotFrames();
    }

    @Override
    public long getRecordsIn() {
        FlinkTask task = state.task();
        return task == null ? -1L : task.recordsIn();
    }

    @Override
    public String getPersistence() {
        return history.persistence(configSource.config().persistentAfterMillis()).name();
    }

    @Override
    public Episode[] getEpisodes() {
        return history.episodes();
    }

    @Override
    public double[] getHistory() {
        return history.ratios();
    }

    @Override
    public long getHistoryStepMillis() {
        return history.stepMillis();
    }

    @Override
    public long getHistoryEndMillis() {
        return history.endMillis();
    }

    /** The busy share split by cause, from one consistent reading of the window. */
    private BusyCauses causes() {
        long[] snapshots = state.snapshots();
        return BusyCauses.of(snapshots[0], snapshots[1], state.cpuFraction(), state.gcFraction(),
                state.ioShareOfRunning());
    }

    @Override
    public void addNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback) {
        notifications.addNotificationListener(listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener) throws ListenerNotFoundException {
        notifications.removeNotificationListener(listener);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback)
            throws ListenerNotFoundException {
        notifications.removeNotificationListener(listener, filter, handback);
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
        return NOTIFICATIONS.clone();
    }

    /**
     * One walk over the input channels serves every input attribute of one JMX read: a client's
     * {@code getAttributes} calls each getter in turn, and the walk reads every channel by
     * reflection. Reusing it for a few milliseconds also keeps InPoolUsage = floating + exclusive
     * within one read.
     */
    private FlinkTask.InputBuffers inputBuffers() {
        FlinkTask task = state.task();
        if (task == null) {
            return null;
        }
        long now = System.nanoTime();
        InputRead last = lastInputRead;
        if (last != null && now - last.atNanos < INPUT_READ_REUSE_NANOS) {
            return last.buffers;
        }
        FlinkTask.InputBuffers buffers = task.inputBuffers();
        lastInputRead = new InputRead(buffers, now);
        return buffers;
    }

    private static final class InputRead {
        final FlinkTask.InputBuffers buffers;
        final long atNanos;

        InputRead(FlinkTask.InputBuffers buffers, long atNanos) {
            this.buffers = buffers;
            this.atNanos = atNanos;
        }
    }

    private BackPressureLevel level() {
        AgentConfig config = configSource.config();
        return BackPressureLevel.of(getBackPressureRatio(), config.low(), config.high());
    }
}
