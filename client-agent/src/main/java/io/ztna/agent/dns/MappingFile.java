package io.ztna.agent.dns;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON file that keeps stub mappings across restarts:
 * <pre>
 * {"mappings":[{"name":"intranet.corp.internal","address":"100.64.0.1",
 *               "lastUsed":"2026-01-05T10:00:00Z"}]}
 * </pre>
 * A write goes to a temporary file beside it, which then replaces the file in one atomic
 * move, so a crash leaves either the old or the new content.
 */
final class MappingFile {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private final Path path;

    MappingFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * Reads the mappings; a missing file has none.
     *
     * @throws IOException when the file cannot be read or an entry is invalid, naming the file
     */
    List<StubMapping> read() throws IOException {
        Content content;
        try {
            content = MAPPER.readValue(Files.readAllBytes(path), Content.class);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IOException(path + ": invalid stub mapping file: " + e.getMessage(), e);
        }
        List<StubMapping> mappings = new ArrayList<>();
        for (Entry entry : content.mappings()) {
            mappings.add(entry.toMapping(path));
        }
        return mappings;
    }

    /** Replaces the file's content with {@code mappings}. */
    void write(List<StubMapping> mappings) throws IOException {
        List<Entry> entries = new ArrayList<>(mappings.size());
        for (StubMapping mapping : mappings) {
            entries.add(new Entry(mapping.name(), mapping.address().getHostAddress(),
                    mapping.lastUsed().toString()));
        }
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try {
            MAPPER.writeValue(temporary.toFile(), new Content(entries));
            try {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The file's top-level object. */
    record Content(List<Entry> mappings) {

        @JsonCreator
        Content(@JsonProperty("mappings") List<Entry> mappings) {
            this.mappings = mappings == null ? List.of() : List.copyOf(mappings);
        }
    }

    /** One mapping as the file stores it. */
    record Entry(String name, String address, String lastUsed) {

        @JsonCreator
        Entry(@JsonProperty(value = "name", required = true) String name,
                @JsonProperty(value = "address", required = true) String address,
                @JsonProperty(value = "lastUsed", required = true) String lastUsed) {
            this.name = name;
            this.address = address;
            this.lastUsed = lastUsed;
        }

        StubMapping toMapping(Path file) throws IOException {
            InetAddress parsed = NetUtil.createInetAddressFromIpAddressString(address);
            String normalised = DnsNames.normalise(name);
            if (parsed == null || normalised == null) {
                throw new IOException(file + ": invalid stub mapping " + name + " -> " + address
                        + ": expected a host name and an IP address");
            }
            try {
                return new StubMapping(normalised, parsed, Instant.parse(lastUsed));
            } catch (DateTimeParseException e) {
                throw new IOException(file + ": invalid lastUsed '" + lastUsed + "' of "
                        + name + ": expected an ISO-8601 instant like 2026-01-05T10:00:00Z", e);
            }
        }
    }
}
