package io.ztna.proto.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.DeserializationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads YAML config files into immutable objects. Unknown fields, missing required fields and
 * values of the wrong form are errors that name the file, line, column and field path.
 */
public final class ConfigLoader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("ztna-config")
                    .addDeserializer(Duration.class, new DurationDeserializer()));

    private ConfigLoader() {
    }

    public static <T> T load(Path file, Class<T> type) throws ConfigException {
        try {
            T value = YAML.readValue(Files.readAllBytes(file), type);
            if (value == null) {
                throw new ConfigException(file + ": the file is empty (expected: a YAML mapping)");
            }
            return value;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(file, e), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Path file, JsonMappingException e) {
        JsonLocation location = locate(file, pointer(e));
        if (location == null) {
            location = e.getLocation();
        }
        String where = location == null ? file.toString()
                : file + ":" + location.getLineNr() + ":" + location.getColumnNr();
        String path = e.getPath().isEmpty() ? "" : " " + fieldPath(e) + ":";
        Throwable cause = e.getCause();
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            message = "unknown field '" + unknown.getPropertyName() + "' (expected one of: "
                    + String.join(", ", unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf).sorted().toList()) + ")";
        } else if (cause instanceof IllegalArgumentException) {
            message = cause.getMessage();
        } else {
            message = e.getOriginalMessage();
        }
        return where + ":" + path + " " + message;
    }

    /** Returns the JSON pointer of the field or element the error concerns. */
    private static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            pointer.append('/');
            if (reference.getFieldName() != null) {
                pointer.append(reference.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else {
                pointer.append(reference.getIndex());
            }
        }
        return pointer.toString();
    }

    /**
     * Finds where the token at {@code pointer} starts by reading the file again, because
     * Jackson reports the position it had read up to, often the line after the faulty value.
     * Returns null when the file cannot be read or the pointer is not found.
     */
    private static JsonLocation locate(Path file, String pointer) {
        if (pointer.isEmpty()) {
            return null;
        }
        try (JsonParser parser = YAML.getFactory().createParser(Files.readAllBytes(file))) {
            while (parser.nextToken() != null) {
                if (pointer.equals(parser.getParsingContext().pathAsPointer().toString())) {
                    return parser.currentTokenLocation();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Parses durations written as a number and a unit: 500ms, 30s, 2m, 1h, 7d. */
    public static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text
                    + "' (expected: a number and a unit ms, s, m, h or d, for example 30s)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context)
                throws IOException {
            String text = parser.getValueAsString();
            try {
                return parseDuration(text);
            } catch (IllegalArgumentException e) {
                return (Duration) context.handleWeirdStringValue(Duration.class, text,
                        e.getMessage());
            }
        }
    }
}
