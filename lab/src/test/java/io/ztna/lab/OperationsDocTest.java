package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.CreatorProperty;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import io.ztna.agent.posture.AdminCheck;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.ReconnectSection;
import io.ztna.proto.config.TlsSection;
import io.ztna.proto.config.TunnelSection;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/operations.md true to the code. The option tables must list exactly the options
 * that the config classes bind, as Jackson's deserializers of the mapper that
 * {@link ConfigLoader} uses see them, with the same required flags and the defaults that
 * binding a minimal config applies. The troubleshooting section must name every
 * {@link ErrorCode} and {@link OpenResult}.
 */
class OperationsDocTest {

    private static final Path DOC = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("docs/operations.md");

    /** Sections that every daemon shares, documented once in their own table. */
    private static final Set<Class<?>> SHARED = Set.of(TlsSection.class, TunnelSection.class,
            ReconnectSection.class);

    private static final String SHARED_TABLE = "Shared sections";

    /**
     * Defaults that binding leaves null and the code applies later, read from the bound
     * object by the method the daemon calls.
     */
    private static final Map<String, Function<Object, Object>> APPLIED_DEFAULTS = Map.of(
            "posture.checks[].timeout", check -> ((AdminCheck) check).commandTimeout());

    /**
     * Optional options that the minimal configs set anyway, because a posture check needs a file
     * or a command.
     */
    private static final Set<String> SET_BY_MINIMAL_CONFIGS = Set.of("posture.checks[].command");

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|(.*)\\|\\s*$");
    private static final Pattern LITERAL = Pattern.compile("`([^`]*)`");

    private final ObjectMapper mapper = ConfigLoader.mapper();
    private final DeserializationContext context = ((DefaultDeserializationContext)
            mapper.getDeserializationContext()).createDummyInstance(
                    mapper.getDeserializationConfig());

    /** One daemon: its config file class, as bound by its {@code load}, and minimal configs. */
    private record Daemon(String name, String fileClass, String bare, String withSections) {
    }

    private static final List<Daemon> DAEMONS = List.of(
            new Daemon("client-agent", "io.ztna.agent.ClientAgentConfig$File",
                    """
                    gateways: [127.0.0.1:8443]
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    """,
                    """
                    gateways: [127.0.0.1:8443]
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    tunnel: {}
                    reconnect: {}
                    forwards: [{listen: 127.0.0.1:0, to: app.internal:22}]
                    posture: {checks: [{name: cmd, command: ["true"]}]}
                    dns: {listen: 127.0.0.1:0}
                    capture: {}
                    """),
            new Daemon("client-gateway", "io.ztna.clientgateway.ClientGatewayConfig$File",
                    """
                    listen: 127.0.0.1:8443
                    publisherGateways: [127.0.0.1:7443]
                    policy: policy.yaml
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    """,
                    """
                    listen: 127.0.0.1:8443
                    publisherGateways: [127.0.0.1:7443]
                    policy: policy.yaml
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    tunnel: {}
                    reconnect: {}
                    """),
            new Daemon("publisher-gateway", "io.ztna.publishergateway.PublisherGatewayConfig$File",
                    """
                    listen: 127.0.0.1:7443
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    """,
                    """
                    listen: 127.0.0.1:7443
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    tunnel: {}
                    """),
            new Daemon("publisher", "io.ztna.publisher.PublisherConfig$File",
                    """
                    gateways: [127.0.0.1:7443, 127.0.0.2:7443]
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    scope: [{hosts: [app.internal], protocols: ["tcp:22"]}]
                    """,
                    """
                    gateways: [127.0.0.1:7443, 127.0.0.2:7443]
                    tls: {certificate: c.pem, privateKey: k.pem, ca: ca.pem, trustDomain: t.lab}
                    scope: [{hosts: [app.internal], protocols: ["tcp:22"]}]
                    tunnel: {}
                    reconnect: {}
                    dns: {resolvers: [127.0.0.1:53]}
                    reachability: {apps: [{name: app, targets: [app.internal:22]}]}
                    """));

    /** A documented option: its default cell as written, and its line in the file. */
    private record DocRow(String path, String defaultCell, int line) {
    }

    /** An option as Jackson binds it. */
    private record BoundOption(String path, JavaType type, boolean required) {
    }

    /** The value that binding a config gave an option, with the option's declared type. */
    private record BoundValue(JavaType type, Object value) {
    }

    @Test
    void optionTablesMatchConfigClasses() throws Exception {
        Map<String, Map<String, DocRow>> tables = readOptionTables();
        Map<String, BoundOption> shared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Daemon daemon : DAEMONS) {
            Map<String, BoundOption> options = new LinkedHashMap<>();
            collect("", type(Class.forName(daemon.fileClass())), options, shared);
            compare(daemon.name(), options, tables.get(daemon.name()), problems);
        }
        compare(SHARED_TABLE, shared, tables.get(SHARED_TABLE), problems);
        assertThat(problems).as("differences between docs/operations.md and the config classes")
                .isEmpty();
    }

    @Test
    void documentedDefaultsMatchBoundValues() throws Exception {
        Map<String, Map<String, DocRow>> tables = readOptionTables();
        Set<String> problems = new LinkedHashSet<>();
        for (Daemon daemon : DAEMONS) {
            Class<?> fileClass = Class.forName(daemon.fileClass());
            Map<String, DocRow> rows = new LinkedHashMap<>(tables.get(SHARED_TABLE));
            rows.putAll(tables.get(daemon.name()));
            for (String yaml : List.of(daemon.bare(), daemon.withSections())) {
                Object bound = ConfigLoader.parse(Path.of(daemon.name() + ".yaml"),
                        yaml.getBytes(StandardCharsets.UTF_8), fileClass);
                Map<String, BoundValue> values = new LinkedHashMap<>();
                readValues("", bound, values);
                for (Map.Entry<String, BoundValue> value : values.entrySet()) {
                    DocRow row = rows.get(value.getKey());
                    if (row != null && !SET_BY_MINIMAL_CONFIGS.contains(value.getKey())) {
                        checkDefault(daemon.name(), row, value.getValue(), problems);
                    }
                }
            }
        }
        assertThat(problems).as("documented defaults that differ from the bound values")
                .isEmpty();
    }

    @Test
    void troubleshootingNamesEveryReasonCode() throws Exception {
        String section = section(Files.readString(DOC), "## Troubleshooting");
        List<String> missing = new ArrayList<>();
        for (Enum<?> value : List.<Enum<?>>of(ErrorCode.values())) {
            if (!section.contains("`" + value.name() + "`")) {
                missing.add("ErrorCode." + value.name());
            }
        }
        for (Enum<?> value : List.<Enum<?>>of(OpenResult.values())) {
            if (!section.contains("`" + value.name() + "`")) {
                missing.add("OpenResult." + value.name());
            }
        }
        assertThat(missing).as("reason codes missing from the troubleshooting section").isEmpty();
    }

    /**
     * Adds the options of {@code type} under {@code prefix}. Shared sections go to
     * {@code shared} under their own path, and a section is a type whose deserializer
     * creates it from properties.
     */
    private void collect(String prefix, JavaType type, Map<String, BoundOption> options,
            Map<String, BoundOption> shared) throws Exception {
        for (SettableBeanProperty property : properties(type)) {
            String path = prefix + property.getName();
            BoundOption option = new BoundOption(path, property.getType(), property.isRequired());
            options.put(path, option);
            JavaType element = elementType(property.getType());
            String elementPath = element == property.getType() ? path : path + "[]";
            if (properties(element).isEmpty()) {
                continue;
            }
            if (SHARED.contains(element.getRawClass())) {
                collect(elementPath + ".", element, shared, shared);
            } else {
                collect(elementPath + ".", element, options, shared);
            }
        }
    }

    /**
     * Returns the properties of a type bound from a YAML mapping, or none for a type written
     * as a scalar: one with its own deserializer or a creator from a string or a number, such
     * as {@code tcp:443}.
     */
    private List<SettableBeanProperty> properties(JavaType type) throws Exception {
        JsonDeserializer<Object> deserializer = context.findRootValueDeserializer(type);
        if (!(deserializer instanceof BeanDeserializerBase bean)) {
            return List.of();
        }
        ValueInstantiator creators = bean.getValueInstantiator();
        boolean scalar = creators.canCreateFromString() || creators.canCreateFromLong()
                || creators.canCreateFromInt() || creators.canCreateUsingDelegate();
        if (scalar || !creators.canCreateFromObjectWith()) {
            return List.of();
        }
        List<SettableBeanProperty> properties = new ArrayList<>();
        Iterator<SettableBeanProperty> iterator = bean.properties();
        iterator.forEachRemaining(properties::add);
        return properties;
    }

    private static JavaType elementType(JavaType type) {
        return type.isCollectionLikeType() ? type.getContentType() : type;
    }

    private JavaType type(Class<?> raw) {
        return mapper.getTypeFactory().constructType(raw);
    }

    private static void compare(String table, Map<String, BoundOption> options,
            Map<String, DocRow> rows, List<String> problems) {
        if (rows == null) {
            problems.add("no option table headed '### " + table + "'");
            return;
        }
        for (BoundOption option : options.values()) {
            DocRow row = rows.get(option.path());
            if (row == null) {
                problems.add(table + ": option " + option.path() + " (" + option.type()
                        + ") is missing from the table");
                continue;
            }
            boolean documentedRequired = row.defaultCell().strip().equals("required");
            if (documentedRequired != option.required()) {
                problems.add(table + ": " + option.path() + " (line " + row.line() + ") is "
                        + (option.required() ? "required" : "optional") + " in the code, but "
                        + "the default column reads '" + row.defaultCell().strip() + "'");
            }
        }
        for (DocRow row : rows.values()) {
            if (!options.containsKey(row.path())) {
                problems.add(table + ": documented option " + row.path() + " (line "
                        + row.line() + ") does not exist in the config classes");
            }
        }
    }

    /**
     * Checks one bound value against its documented default. A default cell that starts with a
     * back-quoted literal states the default, which is bound with the option's own type. A
     * cell in prose is accepted only where binding leaves the value null or empty.
     */
    private void checkDefault(String daemon, DocRow row, BoundValue bound,
            Collection<String> problems)
            throws Exception {
        Object actual = bound.value();
        String cell = row.defaultCell().strip();
        if (cell.equals("required")) {
            return;
        }
        Matcher literal = LITERAL.matcher(cell);
        if (!cell.startsWith("`") || !literal.find()) {
            if (actual != null && !isEmpty(actual)) {
                problems.add(daemon + ": " + row.path() + " (line " + row.line() + ") binds to "
                        + actual + " by default, but the default column has no `value`");
            }
            return;
        }
        if (actual == null) {
            problems.add(daemon + ": " + row.path() + " (line " + row.line() + ") documents "
                    + "default " + literal.group(1) + ", but binding leaves it unset");
            return;
        }
        Object expected = mapper.readValue(literal.group(1), bound.type());
        boolean same = expected.equals(actual) || (expected.getClass() == actual.getClass()
                && expected.toString().equals(actual.toString()));
        if (!same) {
            problems.add(daemon + ": " + row.path() + " (line " + row.line() + ") documents "
                    + "default " + literal.group(1) + ", but the code applies " + actual);
        }
    }

    private static boolean isEmpty(Object value) {
        return (value instanceof Collection<?> collection && collection.isEmpty())
                || (value instanceof Map<?, ?> map && map.isEmpty());
    }

    /**
     * Reads the bound values of the options of {@code bound}, a record created by its
     * properties, into {@code values} by option path. It descends into sections and into the
     * first element of lists of sections, whose own rows state no default.
     */
    private void readValues(String prefix, Object bound, Map<String, BoundValue> values)
            throws Exception {
        List<SettableBeanProperty> properties = properties(type(bound.getClass()));
        RecordComponent[] components = bound.getClass().getRecordComponents();
        for (SettableBeanProperty property : properties) {
            String path = prefix + property.getName();
            Object value = componentValue(bound, components, property);
            JavaType element = elementType(property.getType());
            if (properties(element).isEmpty()) {
                values.put(path, new BoundValue(property.getType(), value));
                continue;
            }
            if (value == null) {
                continue;
            }
            if (element == property.getType()) {
                readValues(path + ".", value, values);
            } else if (value instanceof List<?> list && !list.isEmpty()) {
                Object first = list.get(0);
                readValues(path + "[].", first, values);
                for (Map.Entry<String, Function<Object, Object>> applied
                        : APPLIED_DEFAULTS.entrySet()) {
                    if (applied.getKey().startsWith(path + "[].")) {
                        Object effective = applied.getValue().apply(first);
                        values.put(applied.getKey(),
                                new BoundValue(type(effective.getClass()), effective));
                    }
                }
            }
        }
    }

    /**
     * Returns the record component that a creator property sets. The creator must be the
     * canonical constructor, so that parameter i sets component i.
     */
    private static Object componentValue(Object bound, RecordComponent[] components,
            SettableBeanProperty property) throws Exception {
        if (components == null || !(property instanceof CreatorProperty creator)
                || creator.getCreatorIndex() >= components.length) {
            throw new AssertionError(bound.getClass().getName() + "." + property.getName()
                    + " is not set by the canonical constructor of a record, so this test "
                    + "cannot read its default");
        }
        var accessor = components[creator.getCreatorIndex()].getAccessor();
        accessor.setAccessible(true);
        return accessor.invoke(bound);
    }

    /**
     * Reads the option tables of the configuration reference: each {@code ###} heading names a
     * table, and each row starts with a back-quoted option path.
     */
    private static Map<String, Map<String, DocRow>> readOptionTables() throws Exception {
        List<String> lines = Files.readAllLines(DOC);
        Map<String, Map<String, DocRow>> tables = new LinkedHashMap<>();
        boolean inReference = false;
        String heading = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inReference = line.equals("## Configuration reference");
                heading = null;
                continue;
            }
            if (!inReference) {
                continue;
            }
            if (line.startsWith("### ")) {
                heading = line.substring(4).strip();
                tables.put(heading, new LinkedHashMap<>());
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (heading == null || !row.matches()) {
                continue;
            }
            String[] cells = row.group(2).split("\\|", -1);
            if (cells.length < 3) {
                fail("docs/operations.md line " + (i + 1) + ": expected the columns option, "
                        + "type, default, unit, meaning");
            }
            DocRow previous = tables.get(heading).put(row.group(1),
                    new DocRow(row.group(1), cells[1], i + 1));
            if (previous != null) {
                fail("docs/operations.md line " + (i + 1) + ": option " + row.group(1)
                        + " is listed twice under " + heading);
            }
        }
        return tables;
    }

    /** Returns the text from {@code heading} to the next heading of the same level. */
    private static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading + "\n");
        assertThat(start).as("heading '%s' in docs/operations.md", heading).isNotNegative();
        int end = text.indexOf("\n## ", start + heading.length() + 1);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }
}
