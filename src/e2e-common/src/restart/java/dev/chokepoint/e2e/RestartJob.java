package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM's main for the restart scenario (issue 14): a job whose map fails in its first
 * attempt and a restart strategy that brings it back, as attempt 1 of every subtask:
 *
 * <pre>
 *   Source: Numbers (fromSequence, 2) --rebalance--> Fail (2) --rebalance--> Sink: Slow (2)
 * </pre>
 *
 * The rebalances make the job one failover region, so that every task restarts. The sink sleeps
 * 2 ms per record: in the new attempt Fail is hard-backpressured with a full output pool, and the
 * FLIP-27 source softly backpressured. Standard input: {@code exit}. Flink 1.12 and 1.20.
 */
public final class RestartJob {

    public static final String FAIL_VERTEX = "Fail";
    public static final String SOURCE_VERTEX = "Source: Numbers";
    public static final int PARALLELISM = 2;
    /** Printed by Fail's subtasks as they open: {@code <prefix><attempt> <thread name>}. */
    public static final String RUNNING = "chokepoint-e2e: Fail attempt ";

    private RestartJob() {
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = BackpressureJob.localClusterConfiguration();
        conf.setString("metrics.reporter.jmx.factory.class", BackpressureJob.JMX_REPORTER_FACTORY);
        // 1.12 reads restart-strategy, 1.20 restart-strategy.type (the old key as a deprecated fallback).
        conf.setString("restart-strategy", "fixed-delay");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        env.disableOperatorChaining();
        env.fromSequence(0, Long.MAX_VALUE).name("Numbers")
                .rebalance().map(new Fail()).name(FAIL_VERTEX)
                .rebalance().addSink(new SlowSink()).name("Slow");
        JobClient job = env.executeAsync("chokepoint-e2e-restart");
        System.out.println("chokepoint-e2e: Flink " + EnvironmentInformation.getVersion() + ", java "
                + System.getProperty("java.version") + ", job " + job.getJobID());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("exit")) {
            // wait for the test
        }
        job.cancel().get(60, TimeUnit.SECONDS);
    }

    /** Fails after 20,000 records in attempt 0; passes records on in later attempts. */
    static final class Fail extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private transient long seen;
        private transient int attempt;

        @Override
        @SuppressWarnings("deprecation")
        public void open(Configuration parameters) {
            attempt = getRuntimeContext().getAttemptNumber();
            System.out.println(RUNNING + attempt + " " + Thread.currentThread().getName());
        }

        @Override
        public Long map(Long value) {
            if (attempt == 0 && ++seen == 20_000) {
                throw new IllegalStateException("chokepoint-e2e: Fail fails its first attempt, as planned");
            }
            return value;
        }
    }

    static final class SlowSink extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(Long value, Context context) throws Exception {
            Thread.sleep(2);
        }
    }
}
