package io.ztna.proto.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The position of every field and list element of a YAML document, keyed by path such as
 * {@code rules[1].apps[0]}, so that errors found after binding can name their line. A field's
 * position is that of its key; a list element's position is that of its value. Immutable.
 */
public final class YamlLocator {

    private static final YAMLFactory YAML = new YAMLFactory();

    private final Map<String, JsonLocation> locations;
    private final Map<String, String> values;
    private final boolean hasContent;

    private YamlLocator(Map<String, JsonLocation> locations, Map<String, String> values,
            boolean hasContent) {
        this.locations = locations;
        this.values = values;
        this.hasContent = hasContent;
    }

    /** Returns a locator without positions, for objects not read from a file. */
    public static YamlLocator empty() {
        return new YamlLocator(Map.of(), Map.of(), false);
    }

    /**
     * Reads the document's tokens once and records the position of each path.
     *
     * @throws IOException when the YAML is not well-formed
     */
    public static YamlLocator scan(byte[] yaml) throws IOException {
        Map<String, JsonLocation> locations = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        boolean hasContent;
        try (JsonParser parser = YAML.createParser(yaml)) {
            JsonToken token = parser.nextToken();
            hasContent = token != null;
            while (token != null) {
                JsonStreamContext context = parser.getParsingContext();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    context = context.getParent();
                }
                boolean member = token == JsonToken.FIELD_NAME;
                boolean element = context.inArray() && token != JsonToken.END_ARRAY
                        && token != JsonToken.END_OBJECT;
                if (member || element) {
                    locations.putIfAbsent(pathOf(context), parser.currentTokenLocation());
                }
                if (!member && token != JsonToken.END_ARRAY && token != JsonToken.END_OBJECT) {
                    values.putIfAbsent(pathOf(context), describe(token, parser));
                }
                token = parser.nextToken();
            }
        }
        return new YamlLocator(Map.copyOf(locations), Map.copyOf(values), hasContent);
    }

    private static String describe(JsonToken token, JsonParser parser) throws IOException {
        return switch (token) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a mapping";
            case VALUE_NULL -> "null";
            default -> "'" + parser.getText() + "'";
        };
    }

    /** Returns the path of the entry a context is currently at. */
    private static String pathOf(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "";
        }
        String parent = pathOf(context.getParent());
        if (context.inArray()) {
            return parent + "[" + context.getCurrentIndex() + "]";
        }
        return ValidationContext.join(parent, context.getCurrentName());
    }

    /** Returns whether the document has any value, as opposed to nothing or only comments. */
    public boolean hasContent() {
        return hasContent;
    }

    /**
     * Returns the value at a path as an error message shows it: a scalar in quotes, or
     * {@code a list}, {@code a mapping} or {@code null}; null when the document lacks the path.
     */
    public String describeValue(String path) {
        return values.get(path);
    }

    /** Returns the position of a path, or null when the document does not have it. */
    public JsonLocation locate(String path) {
        return locations.get(path);
    }

    /**
     * Returns the position of a path. When the document lacks the path, as for a missing
     * field, returns the position of its nearest enclosing path, or null if none is present.
     */
    public JsonLocation locateNearest(String path) {
        String current = path;
        while (!current.isEmpty()) {
            JsonLocation location = locations.get(current);
            if (location != null) {
                return location;
            }
            current = parentOf(current);
        }
        return null;
    }

    private static String parentOf(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
