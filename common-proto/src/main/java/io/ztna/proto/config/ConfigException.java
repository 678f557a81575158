package io.ztna.proto.config;

/** A config file is invalid; the message names the file, line, field and what is expected. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
