package io.ztna.proto.log;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Names where flow records go: {@value #FILE} when the system property {@value #FILE_PROPERTY}
 * is set to a non-blank path, else {@value #CONSOLE}. The daemons' {@code logback.xml} uses it
 * in a {@code <define>} and includes {@code logback-flow-NAME.xml}, which defines the appender,
 * so that one property sends records to a file without conditional configuration.
 */
public final class FlowOutputDefiner extends PropertyDefinerBase {

    /** System property with the path of the flow record file. */
    public static final String FILE_PROPERTY = "ztna.flow.file";

    /** Output name for JSON lines on standard output. */
    public static final String CONSOLE = "console";

    /** Output name for JSON lines appended to the file named by {@value #FILE_PROPERTY}. */
    public static final String FILE = "file";

    @Override
    public String getPropertyValue() {
        String file = System.getProperty(FILE_PROPERTY);
        return file == null || file.isBlank() ? CONSOLE : FILE;
    }
}
