package io.ztna.proto.config;

/**
 * A config file is invalid. The message has the form {@code FILE:LINE:COLUMN: PATH: PROBLEM},
 * for example {@code policy.yaml:14:9: apps[2].protocols[0]: invalid value 'tcp:0': expected
 * tcp:N or tcp:N-M with 1 <= N <= M <= 65535}; the line and path are left out when unknown.
 */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
