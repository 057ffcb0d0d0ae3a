package dev.chokepoint.bench.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One configuration of the overhead benchmark: no agent, or the agent with some arguments. */
record JobConfig(String label, String slug, String agentOption) {

    static final JobConfig NO_AGENT = new JobConfig("no agent", "none", null);

    /**
     * The run without agent first, then one agent configuration per {@code ;}-separated entry of
     * {@code spec}: its agent arguments, empty for the agent's defaults.
     */
    static List<JobConfig> parse(String spec, Path agentJar) {
        List<JobConfig> configs = new ArrayList<>();
        configs.add(NO_AGENT);
        for (String args : spec.split(";", -1)) {
            String a = args.trim();
            String label = a.isEmpty() ? "agent, defaults" : "agent, " + a;
            String slug = a.isEmpty() ? "defaults" : a.replaceAll("[^A-Za-z0-9]+", "-");
            for (JobConfig existing : configs) {
                if (existing.slug().equals(slug)) {
                    throw new IllegalArgumentException("configuration '" + a + "' given twice in '" + spec + "'");
                }
            }
            configs.add(new JobConfig(label, slug, ChildJvm.agentOption(agentJar, a)));
        }
        return configs;
    }
}
