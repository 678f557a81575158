package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemons {@code bin/lab up} starts, with and without {@code --ha}, and their ports. */
class LabDaemonTest {

    private static final LabPorts DEFAULTS = new LabPorts(1080, 8443, 7443, 9101, 18080, 18007);

    @Test
    void plainLabHasFourDaemons() {
        List<LabDaemon> daemons = LabDaemon.of(DEFAULTS, List.of(), false);

        assertThat(daemons).extracting(LabDaemon::name).containsExactly("publisher-gateway",
                "publisher", "client-gateway", "client-agent");
        assertThat(daemons).extracting(LabDaemon::id).containsExactly("pg-1", "pub-1", "cg-1",
                LabState.USER);
        assertThat(daemons).extracting(LabDaemon::adminPort)
                .containsExactly(9103, 9104, 9102, 9101);
        assertThat(daemons).extracting(LabDaemon::listenPorts).containsExactly(List.of(7443),
                List.of(), List.of(8443), List.of(1080));
    }

    @Test
    void haLabDerivesSecondPorts() {
        List<Forward> forwards = List.of(Forward.parse("18081=intranet.corp.internal:18080"));
        List<LabDaemon> daemons = LabDaemon.of(DEFAULTS, forwards, true);

        assertThat(daemons).extracting(LabDaemon::name).containsExactly("publisher-gateway",
                "publisher-gateway-2", "publisher", "publisher-2", "client-gateway",
                "client-gateway-2", "client-agent");
        assertThat(daemons).extracting(LabDaemon::id).containsExactly("pg-1", "pg-2", "pub-1",
                "pub-2", "cg-1", "cg-2", LabState.USER);
        assertThat(daemons).extracting(LabDaemon::adminPort)
                .containsExactly(9103, 9106, 9104, 9107, 9102, 9105, 9101);
        assertThat(daemons).extracting(LabDaemon::listenPorts).containsExactly(List.of(7443),
                List.of(7444), List.of(), List.of(), List.of(8443), List.of(8444),
                List.of(1080, 18081));
        LabDaemon.checkDistinctPorts(daemons, DEFAULTS);
    }

    @Test
    void derivedPortCollisionRejected() {
        LabPorts ports = new LabPorts(1080, 7442, 7443, 9101, 18080, 18007);
        List<LabDaemon> daemons = LabDaemon.of(ports, List.of(), true);

        assertThatThrownBy(() -> LabDaemon.checkDistinctPorts(daemons, ports))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port 7443 is set for both publisher-gateway and client-gateway-2 "
                        + "(expected: a distinct port each; see bin/lab up --help for the ports "
                        + "derived from each option)");
    }

    @Test
    void derivedPortAboveRangeRejected() {
        LabPorts ports = new LabPorts(1080, 65535, 7443, 9101, 18080, 18007);
        List<LabDaemon> daemons = LabDaemon.of(ports, List.of(), true);

        assertThatThrownBy(() -> LabDaemon.checkDistinctPorts(daemons, ports))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid port 65536 for client-gateway-2 (expected: 1 to 65535; "
                        + "lower the option it is derived from)");
    }
}
