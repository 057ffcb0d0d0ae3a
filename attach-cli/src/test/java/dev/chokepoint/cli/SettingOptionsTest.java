package dev.chokepoint.cli;

import dev.chokepoint.api.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingOptionsTest {

    @Test
    void theHelpListsEveryKeyOfTheAgentInItsOrder() {
        assertEquals(String.join(", ", Settings.KEYS), SettingOptions.KEY_LIST);
    }

    @Test
    void settingsAreCheckedAgainstTheAgentsKeysAndJoined() {
        CommandLine commandLine = ChokepointCli.commandLine();
        assertEquals("samples=20,delay=10ms", SettingOptions.join(commandLine, List.of("samples=20", "delay=10ms")));
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> SettingOptions.join(commandLine, List.of("Samples=20")));
        assertTrue(e.getMessage().startsWith("--set Samples=20: expected key=value with a key of samples, delay,"),
                e.getMessage());
        assertThrows(CommandLine.ParameterException.class, () -> SettingOptions.join(commandLine, List.of("=1")));
    }
}
