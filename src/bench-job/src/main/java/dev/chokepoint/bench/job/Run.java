package dev.chokepoint.bench.job;

/** What one {@link ThroughputJob} run measured over its window. */
record Run(double recordsPerSecond, double cpuCores, double agentTicksPerSecond, String agentConfig) {

    /** Records per second of CPU time of the whole child JVM (all its threads, the agent's included). */
    double recordsPerCpuSecond() {
        return recordsPerSecond / cpuCores;
    }

    static Run of(ResultLine result) {
        double seconds = result.longValue("nanos") / 1e9;
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("empty measurement window: " + result);
        }
        long records = result.longValue("records");
        if (records <= 0) {
            throw new IllegalStateException("no record reached the sink in the window: " + result);
        }
        boolean agent = result.has("agentTicks");
        return new Run(records / seconds, result.longValue("cpuNanos") / 1e9 / seconds,
                agent ? result.longValue("agentTicks") / seconds : Double.NaN,
                agent ? result.string("agentConfig") : "");
    }
}
