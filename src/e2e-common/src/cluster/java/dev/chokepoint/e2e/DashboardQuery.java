package dev.chokepoint.e2e;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Grafana query of the dashboard as the Prometheus it targets receives it. */
final class DashboardQuery {

    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$");
    private static final Pattern METRIC = Pattern.compile("\\b(flink_[a-zA-Z0-9_]+|chokepoint:[a-zA-Z0-9_:]+|ALERTS)\\b");

    private DashboardQuery() {
    }

    /**
     * With its variables replaced as Grafana does for "All" ({@code .*}), and a variable's
     * {@code label_values(selector, label)} replaced by the selector it asks Prometheus about.
     */
    static String toPromQL(String query) {
        String promql = query.trim();
        Matcher labelValues = LABEL_VALUES.matcher(promql);
        if (labelValues.matches()) {
            promql = labelValues.group(1);
        }
        return promql.replace("$__rate_interval", "1m").replace("$__interval", "1m")
                .replaceAll("\\$\\{?\\w+}?", ".*");
    }

    /** The one metric of Flink's own the query reads, or {@code null} when it reads Chokepoint's, a rule's or several. */
    static String onlyFlinkMetric(String promql) {
        Set<String> metrics = new TreeSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            metrics.add(m.group(1));
        }
        if (metrics.size() != 1) {
            return null;
        }
        String metric = metrics.iterator().next();
        return metric.startsWith("flink_") && !metric.contains("_chokepoint_") ? metric : null;
    }
}
