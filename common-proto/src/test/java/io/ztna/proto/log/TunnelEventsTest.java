package io.ztna.proto.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TunnelEventsTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(TunnelEvents.LOGGER);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final EventJsonEncoder encoder = new EventJsonEncoder();

    @BeforeEach
    void attach() {
        events.setContext(logger.getLoggerContext());
        events.start();
        encoder.setContext(logger.getLoggerContext());
        encoder.start();
        logger.addAppender(events);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(events);
        encoder.stop();
    }

    @Test
    void upEventAsJson() throws Exception {
        SpiffeId publisher = SpiffeId.workload("ztna.lab", PeerRole.PUBLISHER, "pub-1");
        TunnelEvents.up("pg-1", publisher, new InetSocketAddress("127.0.0.1", 40_001));

        JsonNode event = onlyEvent();
        assertThat(fieldNames(event)).containsExactly("@timestamp", "logger", "level", "event",
                "state", "peerRole", "peer", "device", "address", "gateway");
        assertThat(event.get("logger").asText()).isEqualTo("io.ztna.tunnel");
        assertThat(event.get("level").asText()).isEqualTo("INFO");
        assertThat(event.get("event").asText()).isEqualTo("tunnel");
        assertThat(event.get("state").asText()).isEqualTo("up");
        assertThat(event.get("peerRole").asText()).isEqualTo("publisher");
        assertThat(event.get("peer").asText()).isEqualTo("pub-1");
        assertThat(event.get("device").isNull()).isTrue();
        assertThat(event.get("address").asText()).isEqualTo("127.0.0.1:40001");
        assertThat(event.get("gateway").asText()).isEqualTo("pg-1");
        assertThat(events.list.get(0).getFormattedMessage()).isEqualTo("tunnel up: "
                + "peerRole=publisher peer=pub-1 device=null address=127.0.0.1:40001 "
                + "gateway=pg-1");
    }

    @Test
    void downEventCarriesReason() throws Exception {
        SpiffeId agent = SpiffeId.user("ztna.lab", "alice@example.com", "laptop-1");
        TunnelEvents.down("cg-1", agent, new InetSocketAddress("::1", 40_002),
                "KEEPALIVE_TIMEOUT: nothing received for 3000 ms");

        JsonNode event = onlyEvent();
        assertThat(event.get("event").asText()).isEqualTo("tunnel");
        assertThat(event.get("state").asText()).isEqualTo("down");
        assertThat(event.get("peerRole").asText()).isEqualTo("user");
        assertThat(event.get("peer").asText()).isEqualTo("alice@example.com");
        assertThat(event.get("device").asText()).isEqualTo("laptop-1");
        assertThat(event.get("address").asText()).isEqualTo("[0:0:0:0:0:0:0:1]:40002");
        assertThat(event.get("gateway").asText()).isEqualTo("cg-1");
        assertThat(event.get("reason").asText())
                .isEqualTo("KEEPALIVE_TIMEOUT: nothing received for 3000 ms");
    }

    private JsonNode onlyEvent() throws Exception {
        assertThat(events.list).hasSize(1);
        byte[] line = encoder.encode(events.list.get(0));
        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
        return new ObjectMapper().readTree(text);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
