package dev.ledger.domain.command;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a command field that may be left out; the record's constructor applies its default. Every
 * other field is required. Readers of the JSON command form use this to tell a missing field from a
 * defaulted one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface OptionalField {

    /**
     * Whether the field, when left out, is part of the command's content for idempotency. A field added to
     * a command type after its first release says {@code false}: a command sent before the field existed
     * keeps the same content, so sending it again after an upgrade is still a duplicate.
     */
    boolean contentWhenAbsent() default true;
}
