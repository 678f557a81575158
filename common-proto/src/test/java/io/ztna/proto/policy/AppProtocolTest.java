package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.frame.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppProtocolTest {

    @Test
    void singlePortCoversOnlyItself() {
        AppProtocol entry = AppProtocol.parse("tcp:443");

        assertThat(entry.protocol()).isEqualTo(Protocol.TCP);
        assertThat(entry.ports()).isEqualTo(new PortRange(443, 443));
        assertThat(entry.covers(Protocol.TCP, 443)).isTrue();
        assertThat(entry.covers(Protocol.TCP, 442)).isFalse();
        assertThat(entry.covers(Protocol.TCP, 444)).isFalse();
        assertThat(entry.covers(Protocol.UDP, 443)).isFalse();
        assertThat(entry).hasToString("tcp:443");
    }

    @Test
    void rangeIsInclusive() {
        AppProtocol entry = AppProtocol.parse("tcp:18000-18999");

        assertThat(entry.covers(Protocol.TCP, 18000)).isTrue();
        assertThat(entry.covers(Protocol.TCP, 18999)).isTrue();
        assertThat(entry.covers(Protocol.TCP, 17999)).isFalse();
        assertThat(entry.covers(Protocol.TCP, 19000)).isFalse();
        assertThat(entry).hasToString("tcp:18000-18999");
    }

    @Test
    void udpEntries() {
        assertThat(AppProtocol.parse("udp:53").covers(Protocol.UDP, 53)).isTrue();
        assertThat(AppProtocol.parse("udp:53").covers(Protocol.TCP, 53)).isFalse();
        assertThat(AppProtocol.parse("udp:1000-2000").covers(Protocol.UDP, 2000)).isTrue();
    }

    @Test
    void fullRangeBoundaries() {
        AppProtocol entry = AppProtocol.parse("tcp:1-65535");

        assertThat(entry.covers(Protocol.TCP, 1)).isTrue();
        assertThat(entry.covers(Protocol.TCP, 65535)).isTrue();
        assertThat(entry.covers(Protocol.TCP, 0)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp:0", "tcp:65536", "tcp:20-10", "tcp:", "tcp:-5", "tcp:5-",
            "TCP:80", "sctp:80", "80", "tcp:http", "tcp:1-2-3", "tcp:0-10", "udp:99999999999"})
    void invalidEntryNamesValue(String text) {
        assertThatThrownBy(() -> AppProtocol.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '" + text + "': expected tcp:N, tcp:N-M, udp:N or "
                        + "udp:N-M with 1 <= N <= M <= 65535");
    }

    @Test
    void portRangeRejectsReversedBounds() {
        assertThatThrownBy(() -> new PortRange(10, 9))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '10-9': expected N or N-M with 1 <= N <= M <= 65535");
    }
}
