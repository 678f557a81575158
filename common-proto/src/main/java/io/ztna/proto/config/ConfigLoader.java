package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML config files into immutable objects and validates them. Every problem becomes a
 * {@link ConfigException} naming the file, line, column, field path and what is expected:
 * unknown fields, duplicate keys, missing required fields, values of the wrong type or form,
 * and, for root types that implement {@link Validatable}, the rules they check after binding.
 *
 * <p>Binding is strict: scalars are not coerced between types (a quoted {@code "80"} is not an
 * integer), nulls inside lists and for required fields are rejected, and durations are read as in
 * {@link Durations#parse}. Thread-safe.
 *
 * <p>NOTE: Jackson reports the unknown fields of an object only after its constructor ran, so
 * a check a constructor throws is reported before a misspelled key of the same object. Checks
 * in {@link Validatable#validate} run after the whole file was bound and do not have this
 * problem.
 */
public final class ConfigLoader {

    private static final ObjectMapper MAPPER = newMapper();

    private ConfigLoader() {
    }

    private static ObjectMapper newMapper() {
        ObjectMapper mapper = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .addModule(new SimpleModule("ztna-config")
                        .addDeserializer(Duration.class, new DurationDeserializer()))
                .build();
        mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        mapper.setAnnotationIntrospector(new RequiredNotNullIntrospector());
        return mapper;
    }

    /**
     * Rejects an explicit null ({@code gateways: ~}) for a property marked required, as if it
     * were missing, so that a constructor never sees null for a required value.
     */
    private static final class RequiredNotNullIntrospector extends JacksonAnnotationIntrospector {

        @Override
        public JsonSetter.Value findSetterInfo(Annotated annotated) {
            JsonSetter.Value info = super.findSetterInfo(annotated);
            JsonProperty property = _findAnnotation(annotated, JsonProperty.class);
            if (property != null && property.required() && info.getValueNulls() == Nulls.DEFAULT) {
                return info.withValueNulls(Nulls.FAIL);
            }
            return info;
        }
    }

    /**
     * Returns a copy of the mapper that binds every config file, for tools and tests that list
     * the options with Jackson's own introspection, renamed properties included.
     */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    /**
     * Reads, binds and validates a config file.
     *
     * @throws ConfigException when the file cannot be read or any check fails
     */
    public static <T> T load(Path file, Class<T> type) throws ConfigException {
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the file: " + e.getMessage(), e);
        }
        return parse(file, yaml, type);
    }

    /**
     * Binds and validates YAML already read from {@code file}, which only names the source in
     * messages.
     *
     * @throws ConfigException when any check fails
     */
    public static <T> T parse(Path file, byte[] yaml, Class<T> type) throws ConfigException {
        YamlLocator locator;
        try {
            locator = YamlLocator.scan(yaml);
        } catch (JsonProcessingException e) {
            throw syntaxError(file, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the file: " + e.getMessage(), e);
        }
        if (!locator.hasContent()) {
            throw new ConfigException(file + ": the file is empty: expected a YAML mapping");
        }
        ValidationContext root = ValidationContext.root(file, locator);
        T value = bind(root, yaml, type);
        if (value == null) {
            throw new ConfigException(file + ": the document is null: expected a YAML mapping");
        }
        if (value instanceof Validatable validatable) {
            validatable.validate(root);
        }
        return value;
    }

    private static <T> T bind(ValidationContext root, byte[] yaml, Class<T> type)
            throws ConfigException {
        try {
            return MAPPER.readValue(yaml, type);
        } catch (JsonMappingException e) {
            String path = BindingErrors.pathOf(e);
            ConfigException error = root.error(path,
                    BindingErrors.problemOf(e, root.locator().describeValue(path)),
                    e.getLocation());
            error.initCause(e);
            throw error;
        } catch (JsonProcessingException e) {
            throw syntaxError(root.file(), e);
        } catch (IOException e) {
            throw new ConfigException(root.file() + ": cannot read the file: " + e.getMessage(), e);
        }
    }

    /** Creates the exception for YAML that is not well-formed, at SnakeYAML's problem mark. */
    private static ConfigException syntaxError(Path file, JsonProcessingException e) {
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        String problem = String.valueOf(e.getOriginalMessage()).strip().replace('\n', ' ');
        if (e.getCause() instanceof MarkedYAMLException yaml) {
            problem = yaml.getContext() == null ? yaml.getProblem()
                    : yaml.getContext() + ": " + yaml.getProblem();
            if (yaml.getProblemMark() != null) {
                line = yaml.getProblemMark().getLine() + 1;
                column = yaml.getProblemMark().getColumn() + 1;
            }
        }
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return new ConfigException(where + ": invalid YAML: " + problem, e);
    }
}
