package io.ztna.proto.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link HostAndPort} config field that accepts port 0, with which the system picks a
 * free port when a listener binds. Fields without it accept ports 1 to 65535 only.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface PortZeroAllowed {
}
