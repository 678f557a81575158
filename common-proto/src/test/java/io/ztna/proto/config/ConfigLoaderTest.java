package io.ztna.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    /** A config with one field of each value type and a list of validated entries. */
    record Sample(HostAndPort connect, HostAndPort listen, Duration timeout, ByteSize buffer,
            boolean verbose, List<Entry> entries) implements Validatable {

        @JsonCreator
        Sample(@JsonProperty(value = "connect", required = true) HostAndPort connect,
                @JsonProperty("listen") @PortZeroAllowed HostAndPort listen,
                @JsonProperty("timeout") Duration timeout,
                @JsonProperty("buffer") ByteSize buffer,
                @JsonProperty("verbose") boolean verbose,
                @JsonProperty("entries") List<Entry> entries) {
            this.connect = connect;
            this.listen = listen;
            this.timeout = timeout;
            this.buffer = buffer;
            this.verbose = verbose;
            this.entries = entries == null ? List.of() : List.copyOf(entries);
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            for (int i = 0; i < entries.size(); i++) {
                entries.get(i).validate(context.at("entries", i));
            }
        }
    }

    record Entry(String name, int weight) implements Validatable {

        @JsonCreator
        Entry(@JsonProperty(value = "name", required = true) String name,
                @JsonProperty("weight") int weight) {
            this.name = name;
            this.weight = weight;
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            if (weight < 1 || weight > 100) {
                context.fail("weight", weight, "an integer from 1 to 100");
            }
        }
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("sample.yaml"), yaml);
    }

    private String errorOf(String yaml) throws IOException {
        Path file = write(yaml);
        Throwable thrown = catchThrowable(() -> ConfigLoader.load(file, Sample.class));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void validFileBindsEveryField() throws Exception {
        Path file = write("""
                connect: "[::1]:443"
                listen: 127.0.0.1:0
                timeout: 500ms
                buffer: 256KiB
                verbose: true
                entries:
                  - name: a
                    weight: 5
                """);

        Sample sample = ConfigLoader.load(file, Sample.class);

        assertThat(sample.connect()).isEqualTo(new HostAndPort("::1", 443));
        assertThat(sample.listen()).isEqualTo(new HostAndPort("127.0.0.1", 0));
        assertThat(sample.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(sample.buffer()).isEqualTo(new ByteSize(256 * 1024));
        assertThat(sample.verbose()).isTrue();
        assertThat(sample.entries()).containsExactly(new Entry("a", 5));
    }

    @Test
    void unknownFieldNamesKnownFields() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                entries:
                  - name: a
                    wieght: 5
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml") + ":4:5: entries[0].wieght: "
                + "unknown field 'wieght': expected one of name, weight");
    }

    @Test
    void missingRequiredFieldNamesObject() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                entries:
                  - weight: 5
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":3:5: entries[0]: missing required field 'name'");
    }

    @Test
    void nullRequiredFieldIsMissing() throws Exception {
        String message = errorOf("""
                connect: ~
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":1:1: connect: missing value: expected " + HostAndPort.EXPECTED);
    }

    @Test
    void nullRequiredNestedFieldIsMissing() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                entries:
                  - name: ~
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":3:5: entries[0].name: missing value: expected a string");
    }

    @Test
    void wrongScalarTypeNamesValue() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                verbose: maybe
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":2:1: verbose: invalid value 'maybe': expected true or false");
    }

    @Test
    void quotedNumberIsNotAnInteger() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                entries:
                  - name: a
                    weight: "5"
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":4:5: entries[0].weight: invalid value '5': expected an integer");
    }

    @Test
    void listWhereScalarExpected() throws Exception {
        String message = errorOf("""
                connect: [127.0.0.1:1080]
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":1:1: connect: invalid value: found a list, expected host:port with a port "
                + "from 1 to 65535, for example 127.0.0.1:8443 or [::1]:8443");
    }

    @Test
    void invalidDurationNamesValue() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                timeout: 30
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml") + ":2:1: timeout: "
                + "invalid value '30': expected a duration like 500ms, 30s, 2m, 1h or 7d");
    }

    @Test
    void invalidByteSizeNamesValue() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                buffer: 16MB
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml") + ":2:1: buffer: "
                + "invalid value '16MB': expected a size in bytes like 65536, 256KiB, 16MiB "
                + "or 1GiB (at least 0)");
    }

    @Test
    void portZeroOnlyWhereAllowed() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:0
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml") + ":1:1: connect: "
                + "invalid value '127.0.0.1:0': expected host:port with a port from 1 to 65535, "
                + "for example 127.0.0.1:8443 or [::1]:8443");
    }

    @Test
    void validationErrorCarriesLine() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                entries:
                  - name: a
                    weight: 5
                  - name: b
                    weight: 500
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml")
                + ":6:5: entries[1].weight: invalid value '500': "
                + "expected an integer from 1 to 100");
    }

    @Test
    void duplicateKeyIsRejected() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                connect: 127.0.0.1:1081
                """);

        assertThat(message).startsWith(dir.resolve("sample.yaml") + ":2:");
        assertThat(message).contains("Duplicate field 'connect'");
    }

    @Test
    void yamlSyntaxErrorNamesLine() throws Exception {
        String message = errorOf("""
                connect: 127.0.0.1:1080
                entries: [a, b
                """);

        assertThat(message).isEqualTo(dir.resolve("sample.yaml") + ":3:1: invalid YAML: "
                + "while parsing a flow sequence: expected ',' or ']', but got <stream end>");
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        assertThat(errorOf("")).isEqualTo(dir.resolve("sample.yaml")
                + ": the file is empty: expected a YAML mapping");
    }

    @Test
    void missingFileIsRejected() {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(file, Sample.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": file not found");
    }
}
