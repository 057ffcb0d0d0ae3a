package dev.chokepoint.bench.job;

import com.sun.management.OperatingSystemMXBean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A child JVM's main: a CPU-bound Flink job on a MiniCluster, measured from inside.
 *
 * <pre>
 *   Source: Numbers (2) --forward--> Hash (2) --keyBy--> Reduce (2) --forward--> Sink: Count (2)
 * </pre>
 *
 * Parallelism 2, chaining off: 8 task threads on the machine's cores, every record serialized
 * across three edges. {@code Hash} and {@code Reduce} mix each record {@code --hash-rounds} times,
 * {@code Reduce} through keyed heap state. The sink counts records; the count is read at the start
 * and at the end of the measurement window, after the warm-up, so JVM start, job submission and
 * JIT warm-up are not in the figure. Prints one {@link ResultLine}, cancels the job and exits.
 *
 * <p>Arguments: {@code --warmup=15s --measure=30s --hash-rounds=64 --expect-agent=false}.
 */
public final class ThroughputJob {

    static final String JOB_NAME = "chokepoint-bench-job";
    static final int PARALLELISM = 2;
    static final int VERTICES = 4;
    static final int KEYS = 1024;

    /** Records the sinks have received. Flink runs the job in this JVM and, without user jars, with this class loader. */
    static final LongAdder RECEIVED = new LongAdder();

    private ThroughputJob() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Duration warmup = options.duration("warmup", "15s");
        Duration measure = options.duration("measure", "30s");
        int hashRounds = options.positiveInt("hash-rounds", 64);
        boolean expectAgent = options.bool("expect-agent", false);

        AgentProbe agent = new AgentProbe();
        agent.check(expectAgent);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, LocalCluster.configuration());
        env.disableOperatorChaining();
        env.fromSequence(0, Long.MAX_VALUE).name("Numbers")
                .map(new Hash(hashRounds)).name("Hash")
                .keyBy(new Bucket())
                .reduce(new MixReduce(hashRounds)).name("Reduce")
                .addSink(new Count()).name("Count");
        JobClient job = env.executeAsync(JOB_NAME);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (RECEIVED.sum() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no record reached the sink within 120 s");
            }
            Thread.sleep(50);
        }
        Thread.sleep(warmup.toMillis());

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long ticks0 = expectAgent ? agent.samplingTicks() : 0;
        long cpu0 = os.getProcessCpuTime();
        long count0 = RECEIVED.sum();
        long start = System.nanoTime();
        Thread.sleep(measure.toMillis());
        long count1 = RECEIVED.sum();
        long nanos = System.nanoTime() - start;
        long cpu1 = os.getProcessCpuTime();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("records", count1 - count0);
        result.put("nanos", nanos);
        result.put("cpuNanos", cpu1 - cpu0);
        if (expectAgent) {
            result.put("agentTicks", agent.samplingTicks() - ticks0);
            result.put("agentErrors", agent.samplingErrors());
            result.put("agentSubtasks", agent.subtasks());
            result.put("agentTickP99Micros", agent.tickP99Micros());
            // the agent's settings, without spaces, so that the report shows what each run measured
            result.put("agentConfig", agent.config().replace(' ', '_'));
        }
        System.out.println(ResultLine.format(result));
        job.cancel().get(60, TimeUnit.SECONDS);
        // Do not wait for the MiniCluster to wind down: the measurement is done.
        System.exit(0);
    }

    /** Some hashing per record: {@code rounds} rounds of SplitMix64's finalizer. */
    static long mix(long value, int rounds) {
        long z = value;
        for (int i = 0; i < rounds; i++) {
            z += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return z;
    }

    public static final class Hash implements MapFunction<Long, Long> {
        private final int rounds;

        Hash(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public Long map(Long value) {
            return mix(value, rounds);
        }
    }

    public static final class Bucket implements KeySelector<Long, Integer> {
        @Override
        public Integer getKey(Long value) {
            return (int) (value & (KEYS - 1));
        }
    }

    public static final class MixReduce implements ReduceFunction<Long> {
        private final int rounds;

        MixReduce(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public Long reduce(Long accumulated, Long value) {
            return mix(accumulated ^ value, rounds);
        }
    }

    public static final class Count implements SinkFunction<Long> {
        @Override
        public void invoke(Long value, Context context) {
            RECEIVED.increment();
        }
    }
}
