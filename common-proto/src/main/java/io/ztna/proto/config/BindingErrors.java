package io.ztna.proto.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Jackson's binding exceptions into config problems worded for the file's author. */
final class BindingErrors {

    private static final Pattern MISSING_PROPERTY =
            Pattern.compile("Missing required creator property '([^']*)'.*", Pattern.DOTALL);

    private BindingErrors() {
    }

    /** Returns the field path of the exception, such as {@code apps[2].hosts[0]}. */
    static String pathOf(JsonMappingException e) {
        List<JsonMappingException.Reference> references = e.getPath();
        Matcher missing = MISSING_PROPERTY.matcher(String.valueOf(e.getOriginalMessage()));
        if (missing.matches() && !references.isEmpty() && missing.group(1)
                .equals(references.get(references.size() - 1).getFieldName())) {
            // The path of a missing field is its object's, which the file has.
            references = references.subList(0, references.size() - 1);
        }
        String path = "";
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path = ValidationContext.join(path, reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path = path + "[" + reference.getIndex() + "]";
            }
        }
        return path;
    }

    /**
     * Returns the problem, for example {@code invalid value 'x': expected true or false}.
     *
     * @param found the offending value as {@link YamlLocator#describeValue} shows it, or null
     */
    static String problemOf(JsonMappingException e, String found) {
        InvalidValueException invalid = findCause(e, InvalidValueException.class);
        if (invalid != null) {
            return invalid.getMessage();
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "': expected one of "
                    + sortedNames(unknown.getKnownPropertyIds());
        }
        Matcher missing = MISSING_PROPERTY.matcher(String.valueOf(e.getOriginalMessage()));
        if (missing.matches()) {
            return "missing required field '" + missing.group(1) + "'";
        }
        if (e instanceof InvalidNullException nullValue) {
            List<JsonMappingException.Reference> path = nullValue.getPath();
            boolean field = !path.isEmpty() && path.get(path.size() - 1).getFieldName() != null;
            if (field && nullValue.getTargetType() != null) {
                // A required field written as null or ~, as in gateways: ~
                return "missing value: expected " + describe(nullValue.getTargetType());
            }
            return "invalid value null: expected a value";
        }
        if (e instanceof InvalidFormatException format) {
            return "invalid value '" + format.getValue() + "': expected "
                    + describe(format.getTargetType());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String expected = describe(mismatch.getTargetType());
            if (found == null) {
                return "invalid value: expected " + expected;
            }
            return found.startsWith("'") ? "invalid value " + found + ": expected " + expected
                    : "invalid value: found " + found + ", expected " + expected;
        }
        IllegalArgumentException argument = findCause(e, IllegalArgumentException.class);
        if (argument != null && argument.getMessage() != null) {
            return argument.getMessage();
        }
        return String.valueOf(e.getOriginalMessage());
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        Throwable cause = e;
        for (int depth = 0; cause != null && depth < 10; depth++) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            cause = cause.getCause();
        }
        return null;
    }

    private static String sortedNames(Collection<Object> names) {
        List<String> sorted = new ArrayList<>();
        for (Object name : new TreeSet<>(names.stream().map(String::valueOf).toList())) {
            sorted.add(name.toString());
        }
        return String.join(", ", sorted);
    }

    /** Describes the values a Java type accepts, in YAML terms. */
    static String describe(Class<?> type) {
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == int.class || type == Integer.class || type == long.class
                || type == Long.class || type == short.class || type == Short.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class
                || type == Float.class) {
            return "a number";
        }
        if (type == Duration.class) {
            return Durations.EXPECTED;
        }
        if (type == HostAndPort.class) {
            return HostAndPort.EXPECTED;
        }
        if (type == ByteSize.class) {
            return ByteSize.EXPECTED;
        }
        if (type == String.class || hasStringFactory(type)) {
            return "a string";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(constant.toString().toLowerCase(Locale.ROOT));
            }
            return "one of " + String.join(", ", names);
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "a value of type " + type.getSimpleName();
    }

    /** Returns whether the type is read from a scalar by a static {@code parse(String)}. */
    private static boolean hasStringFactory(Class<?> type) {
        try {
            return Modifier.isStatic(type.getMethod("parse", String.class).getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
