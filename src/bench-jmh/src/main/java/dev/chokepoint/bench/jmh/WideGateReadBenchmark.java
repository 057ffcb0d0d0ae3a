package dev.chokepoint.bench.jmh;

import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.TaskAttributes;

import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one JMX read of every attribute of a Task MBean costs when its task's input gate has N
 * channels (issue 14): a jmx_exporter scrape, jconsole's refresh and the CLI each read all of them
 * at once ({@code getAttributes}). Runs in a JVM with {@code -javaagent} (the {@code wide-gate}
 * profile); per N, a real Flink 1.20 task with one gate of N remote input channels
 * ({@link WideGateTask}), its MBean found by job id once the agent reports all N channels, then
 * {@code --warmup} reads and {@code --reads} timed ones through the platform MBean server, as a
 * local JMX client does, {@value #PAUSE_MILLIS} ms apart: the agent lets the reads of one
 * {@code getAttributes} share one walk over the channels for 20 ms, so reads closer together would
 * time that walk once for several reads (a scraper reads every few seconds). Prints the median, p90 and max per read and what each added
 * channel cost since the previous row: a read that is linear in channels keeps that column flat.
 *
 * <p>Arguments: {@code --channels=100,1000,10000} {@code --warmup=200} {@code --reads=500}.
 */
public final class WideGateReadBenchmark {

    static final long PAUSE_MILLIS = 25;

    private WideGateReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] channelCounts = {100, 1_000, 10_000};
        int warmup = 200;
        int reads = 500;
        for (String arg : args) {
            if (arg.startsWith("--channels=")) {
                channelCounts = Arrays.stream(arg.substring("--channels=".length()).split(","))
                        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            } else if (arg.startsWith("--warmup=")) {
                warmup = Integer.parseInt(arg.substring("--warmup=".length()));
            } else if (arg.startsWith("--reads=")) {
                reads = Integer.parseInt(arg.substring("--reads=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        List<String> rows = new ArrayList<>();
        double previousMedian = Double.NaN;
        int previousChannels = 0;
        for (int channels : channelCounts) {
            try (WideGateTask task = WideGateTask.start(channels)) {
                ObjectName name = awaitMBean(mbeans, task.jobId(), channels);
                String[] all = Arrays.stream(mbeans.getMBeanInfo(name).getAttributes())
                        .map(MBeanAttributeInfo::getName).toArray(String[]::new);
                for (int i = 0; i < warmup; i++) {
                    read(mbeans, name, all);
                    Thread.sleep(PAUSE_MILLIS);
                }
                long[] nanos = new long[reads];
                for (int i = 0; i < reads; i++) {
                    long start = System.nanoTime();
                    read(mbeans, name, all);
                    nanos[i] = System.nanoTime() - start;
                    Thread.sleep(PAUSE_MILLIS);
                }
                Arrays.sort(nanos);
                double median = nanos[reads / 2] / 1000.0;
                String perChannel = Double.isNaN(previousMedian) ? "-" : String.format(Locale.ROOT, "%.2f",
                        (median - previousMedian) / (channels - previousChannels));
                rows.add(String.format(Locale.ROOT, "| %,d | %d | %.0f | %.0f | %.0f | %s |", channels, all.length,
                        median, nanos[(int) (reads * 0.9)] / 1000.0, nanos[reads - 1] / 1000.0, perChannel));
                previousMedian = median;
                previousChannels = channels;
                System.out.println("[wide-gate] " + rows.get(rows.size() - 1));
            }
        }
        System.out.println();
        System.out.println("One JMX read of every Task MBean attribute (getAttributes), real Flink 1.20 task, one gate of"
                + " N remote input channels; " + reads + " reads after " + warmup + " warm-up reads, " + PAUSE_MILLIS + " ms apart, java "
                + System.getProperty("java.version") + ":");
        System.out.println();
        System.out.println("| channels | attributes | median µs | p90 µs | max µs | µs per added channel (median) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static void read(MBeanServer mbeans, ObjectName name, String[] all) throws Exception {
        AttributeList values = mbeans.getAttributes(name, all);
        if (values.size() != all.length) {
            throw new IllegalStateException("read " + values.size() + " of " + all.length + " attributes of " + name);
        }
    }

    /** The Task MBean of that job, once the agent reads all of its channels. */
    private static ObjectName awaitMBean(MBeanServer mbeans, String jobId, int channels) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (ObjectName name : mbeans.queryNames(ObjectNames.ALL_TASKS, null)) {
                if (jobId.equals(mbeans.getAttribute(name, TaskAttributes.JOB_ID))
                        && Integer.valueOf(channels).equals(mbeans.getAttribute(name, TaskAttributes.REMOTE_INPUT_CHANNELS))) {
                    return name;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no Task MBean of job " + jobId + " with " + channels
                + " remote input channels: is the agent loaded (-javaagent)?");
    }
}
