package dev.chokepoint.bench.jmh;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.blob.PermanentBlobKey;
import org.apache.flink.runtime.blob.PermanentBlobService;
import org.apache.flink.runtime.broadcast.BroadcastVariableManager;
import org.apache.flink.runtime.checkpoint.channel.ChannelStateWriteRequestExecutorFactory;
import org.apache.flink.runtime.checkpoint.channel.ChannelStateWriter;
import org.apache.flink.runtime.clusterframework.types.AllocationID;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.deployment.InputGateDeploymentDescriptor;
import org.apache.flink.runtime.deployment.TaskDeploymentDescriptorFactory.ShuffleDescriptorAndIndex;
import org.apache.flink.runtime.execution.Environment;
import org.apache.flink.runtime.execution.librarycache.TestingClassLoaderLease;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.executiongraph.ExecutionGraphTestUtils;
import org.apache.flink.runtime.executiongraph.JobInformation;
import org.apache.flink.runtime.executiongraph.TaskInformation;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.filecache.FileCache;
import org.apache.flink.runtime.io.disk.iomanager.IOManagerAsync;
import org.apache.flink.runtime.io.network.NettyShuffleEnvironment;
import org.apache.flink.runtime.io.network.NettyShuffleEnvironmentBuilder;
import org.apache.flink.runtime.io.network.TaskEventDispatcher;
import org.apache.flink.runtime.io.network.partition.ResultPartitionID;
import org.apache.flink.runtime.io.network.partition.ResultPartitionType;
import org.apache.flink.runtime.io.network.partition.consumer.IndexedInputGate;
import org.apache.flink.runtime.jobgraph.IntermediateDataSetID;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.runtime.jobgraph.tasks.AbstractInvokable;
import org.apache.flink.runtime.memory.MemoryManagerBuilder;
import org.apache.flink.runtime.memory.SharedResources;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.operators.testutils.MockInputSplitProvider;
import org.apache.flink.runtime.query.KvStateRegistry;
import org.apache.flink.runtime.state.TestTaskStateManager;
import org.apache.flink.runtime.taskexecutor.KvStateService;
import org.apache.flink.runtime.taskexecutor.NoOpPartitionProducerStateChecker;
import org.apache.flink.runtime.taskexecutor.TestGlobalAggregateManager;
import org.apache.flink.runtime.taskmanager.NoOpTaskManagerActions;
import org.apache.flink.runtime.taskmanager.NoOpTaskOperatorEventGateway;
import org.apache.flink.runtime.taskmanager.Task;
import org.apache.flink.runtime.taskmanager.TestCheckpointResponder;
import org.apache.flink.runtime.util.NettyShuffleDescriptorBuilder;
import org.apache.flink.runtime.util.TestingTaskManagerRuntimeInfo;
import org.apache.flink.util.SerializedValue;

import java.io.File;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real Flink 1.20 {@code Task} whose one input gate has N real {@code RemoteInputChannel}s: built
 * as a TaskManager builds one from its deployment descriptor (one remote shuffle descriptor per
 * producer, a {@code NettyShuffleEnvironment} of 4 KiB segments), run by Flink's own task thread,
 * in the group the agent samples. Its invokable restores the gate as a {@code StreamTask} does
 * (recovered channel state read, then the partitions requested: the recovered channels become remote
 * ones; no producer exists, so nothing arrives) and then waits until cancelled. Flink's test
 * utilities (flink-runtime's test jar) provide the collaborators a TaskManager would; none of them
 * is on the path the agent reads.
 */
final class WideGateTask implements AutoCloseable {

    static final String NAME = "WideGate";
    /** Counted down by the next task's invokable: one task at a time. */
    private static volatile CountDownLatch ready;

    private final Task task;
    private final NettyShuffleEnvironment shuffle;
    private final IOManagerAsync io;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    private WideGateTask(int channels) throws Exception {
        shuffle = new NettyShuffleEnvironmentBuilder().setBufferSize(4096).setNumNetworkBuffers(2 * channels + 64).build();
        ResourceID producers = ResourceID.generate();
        ShuffleDescriptorAndIndex[] descriptors = new ShuffleDescriptorAndIndex[channels];
        for (int i = 0; i < channels; i++) {
            descriptors[i] = new ShuffleDescriptorAndIndex(NettyShuffleDescriptorBuilder.newBuilder()
                    .setProducerLocation(producers).setId(new ResultPartitionID()).buildRemote(), i);
        }
        InputGateDeploymentDescriptor gate = new InputGateDeploymentDescriptor(new IntermediateDataSetID(),
                ResultPartitionType.PIPELINED, 0, descriptors);
        JobID jobId = new JobID();
        ExecutionAttemptID attempt = ExecutionGraphTestUtils.createExecutionAttemptId();
        JobInformation job = new JobInformation(jobId, JobType.STREAMING, NAME,
                new SerializedValue<>(new ExecutionConfig()), new Configuration(), Collections.emptyList(),
                Collections.emptyList());
        TaskInformation info = new TaskInformation(attempt.getJobVertexId(), NAME, 1, 1, Waiting.class.getName(),
                new Configuration());
        io = new IOManagerAsync();
        task = new Task(job, info, attempt, new AllocationID(), Collections.emptyList(), List.of(gate),
                MemoryManagerBuilder.newBuilder().setMemorySize(1 << 20).build(), new SharedResources(), io, shuffle,
                new KvStateService(new KvStateRegistry(), null, null), new BroadcastVariableManager(),
                new TaskEventDispatcher(), ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES, new TestTaskStateManager(),
                new NoOpTaskManagerActions(), new MockInputSplitProvider(), new TestCheckpointResponder(),
                new NoOpTaskOperatorEventGateway(), new TestGlobalAggregateManager(),
                TestingClassLoaderLease.newBuilder().build(),
                new FileCache(new String[] {System.getProperty("java.io.tmpdir")}, new NoJars()),
                new TestingTaskManagerRuntimeInfo(new Configuration()),
                UnregisteredMetricGroups.createUnregisteredTaskMetricGroup(), new NoOpPartitionProducerStateChecker(),
                executor, new ChannelStateWriteRequestExecutorFactory(jobId));
    }

    /** Starts the task and returns once its gate's channels are remote ones. */
    static WideGateTask start(int channels) throws Exception {
        WideGateTask wide = new WideGateTask(channels);
        CountDownLatch latch = new CountDownLatch(1);
        ready = latch;
        wide.task.startTaskThread();
        if (!latch.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the task did not restore its gate: " + wide.task.getExecutionState(),
                    wide.task.getFailureCause());
        }
        return wide;
    }

    String jobId() {
        return task.getJobID().toString();
    }

    @Override
    public void close() throws Exception {
        task.cancelExecution();
        task.getExecutingThread().join(60_000);
        shuffle.close();
        io.close();
        executor.shutdownNow();
    }

    /** Restores its gates as a StreamTask does, then waits until cancelled. */
    public static final class Waiting extends AbstractInvokable {
        private volatile boolean cancelled;

        public Waiting(Environment environment) {
            super(environment);
        }

        @Override
        public void invoke() throws Exception {
            for (IndexedInputGate gate : getEnvironment().getAllInputGates()) {
                gate.setChannelStateWriter(ChannelStateWriter.NO_OP);
                gate.finishReadRecoveredState();
                while (!gate.getStateConsumedFuture().isDone()) {
                    gate.pollNext();
                }
                gate.requestPartitions();
            }
            ready.countDown();
            synchronized (this) {
                while (!cancelled) {
                    wait();
                }
            }
        }

        @Override
        public void cancel() {
            synchronized (this) {
                cancelled = true;
                notifyAll();
            }
        }
    }

    private static final class NoJars implements PermanentBlobService {
        @Override
        public File getFile(JobID jobId, PermanentBlobKey key) {
            throw new UnsupportedOperationException("the benchmark's job has no jars");
        }

        @Override
        public byte[] readFile(JobID jobId, PermanentBlobKey key) {
            throw new UnsupportedOperationException("the benchmark's job has no jars");
        }

        @Override
        public void close() {
        }
    }
}
