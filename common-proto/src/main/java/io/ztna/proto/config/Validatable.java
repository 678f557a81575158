package io.ztna.proto.config;

/**
 * A config object with rules that binding alone cannot check: ranges, references between
 * sections, unique names. {@link ConfigLoader} calls {@link #validate} on the root object after
 * binding; the root passes a narrowed context to each nested object it validates.
 */
public interface Validatable {

    /**
     * Checks this object.
     *
     * @param context paths are relative to this object's position in the file
     * @throws ConfigException from {@link ValidationContext#fail} on the first violation
     */
    void validate(ValidationContext context) throws ConfigException;
}
