package io.ztna.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "2m, PT2M", "1h, PT1H", "7d, PT168H",
            "0s, PT0S"})
    void durationParsesEachUnit(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "30S", "1.5s", "-1s", "s", "30 s", "1w", "",
            "1234567890123456d"})
    void durationRejectsOtherForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '" + text
                        + "': expected a duration like 500ms, 30s, 2m, 1h or 7d");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "65536, 65536", "256KiB, 262144", "16MiB, 16777216",
            "1GiB, 1073741824"})
    void byteSizeParsesEachUnit(String text, long bytes) {
        assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"16MB", "1kib", "-1", "1.5MiB", "KiB", "9999999999999999999GiB"})
    void byteSizeRejectsOtherForms(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("invalid value '" + text + "': expected a size");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1000, 1000", "262144, 256KiB", "16777216, 16MiB",
            "1073741824, 1GiB"})
    void byteSizePrintsLargestUnit(long bytes, String text) {
        assertThat(new ByteSize(bytes)).hasToString(text);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1:1080, 127.0.0.1, 1080", "'[::1]:443', ::1, 443",
            "gw.example.com:8443, gw.example.com, 8443", "host:65535, host, 65535"})
    void hostAndPortParses(String text, String host, int port) {
        assertThat(HostAndPort.parse(text)).isEqualTo(new HostAndPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:", ":80", "::1:443", "[::1]", "host:65536",
            "host:0", "host:-1", "host:http", "[not-v6]:80", "host:0080123"})
    void hostAndPortRejectsOtherForms(String text) {
        assertThatThrownBy(() -> HostAndPort.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '" + text + "': expected " + HostAndPort.EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:0", "[::1]:0"})
    void hostAndPortAcceptsZeroWhenAllowed(String text) {
        assertThat(HostAndPort.parse(text, true).port()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"::1, 443, '[::1]:443'", "127.0.0.1, 80, 127.0.0.1:80"})
    void hostAndPortPrintsBrackets(String host, int port, String text) {
        assertThat(new HostAndPort(host, port)).hasToString(text);
    }
}
