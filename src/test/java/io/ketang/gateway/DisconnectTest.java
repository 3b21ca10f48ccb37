package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class DisconnectTest {

    @Test
    void theReferenceClientGivesUpOnExactlyTheCodesThatSaySo() throws Exception {
        String client = Files.readString(Path.of("src/main/webapp/js/ketang-client.js"));
        Matcher set = Pattern.compile("NO_RECONNECT = new Set\\(\\[([0-9, ]+)]\\)").matcher(client);
        assertThat(set.find()).as("the reference client's NO_RECONNECT").isTrue();
        Set<Integer> noReconnect = Arrays.stream(set.group(1).split(",")).map(String::trim).map(Integer::valueOf)
                .collect(Collectors.toSet());
        for (Disconnect d : Disconnect.values()) {
            assertThat(noReconnect.contains(d.code)).as(d + " (" + d.code + ")").isEqualTo(!d.mayReconnect);
        }
    }

    @Test
    void onlySilenceIsATimeout() {
        for (Disconnect d : Disconnect.values()) {
            assertThat(d.exitReason() == io.ketang.heartbeat.api.ExitReason.TIMEOUT).isEqualTo(d == Disconnect.HEARTBEAT_TIMEOUT);
        }
    }
}
