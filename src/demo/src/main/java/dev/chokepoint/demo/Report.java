package dev.chokepoint.demo;

import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.time.Duration;
import java.util.List;

/**
 * One reading of the agent's MBeans, as shown in one frame.
 *
 * @param agentVersion null while the agent MBean is not (yet) registered
 * @param windowSamples samples per subtask the agent bases a ratio on
 * @param samplingTicks null when the agent does not report it
 * @param lastTickMicros null when the agent does not report it
 * @param stopsIn null when the demo runs until Ctrl-C
 */
record Report(long pid, String agentVersion, int windowSamples, Long samplingTicks, Long lastTickMicros, List<TaskSnapshot> tasks,
              Duration uptime, Duration stopsIn) {
}
