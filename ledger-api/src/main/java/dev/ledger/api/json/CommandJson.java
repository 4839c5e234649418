package dev.ledger.api.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ledger.domain.command.CommandChecks;
import dev.ledger.domain.command.CommandTypes;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OptionalField;
import dev.ledger.domain.command.Rejection;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.Names;
import dev.ledger.domain.value.RejectionCode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads one command in its JSON form, {@code {"id": "...", "type": "...", ...fields}}, into its
 * {@link LedgerCommand} record, and refuses anything that is not a well-formed command (see
 * {@code cli.md}). It knows no command type by name: the record comes from {@link CommandTypes} by
 * {@code type}, JSON keys map to record components by name, and each field's form comes from
 * {@link CommandFieldRules}. A field marked {@link OptionalField} may be left out (the record applies
 * its default); every other field is required.
 *
 * <p>JSON types are strict: decimals are strings of the form {@link Decimals#DECIMAL_TEXT} (a JSON
 * number is refused, so no binary floating point ever touches an amount), integers are JSON integers,
 * enum fields are their constants' names.
 */
public final class CommandJson {

    /** Longest line accepted; a command is a few hundred characters (TIGER_STYLE: a limit on input). */
    public static final int MAX_LENGTH = 65_536;

    /** The key that names the command type; it is not a field of any record. */
    private static final String TYPE_KEY = "type";
    private static final String ID_FIELD = "id";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Map<Class<? extends LedgerCommand>, RecordShape> SHAPES = new ConcurrentHashMap<>();

    private CommandJson() {
    }

    /**
     * The command that {@code json} describes.
     *
     * @throws MalformedCommandException if it is not a well-formed command; the message names every
     *                                   field at fault
     */
    public static LedgerCommand parse(String json) throws MalformedCommandException {
        if (json.length() > MAX_LENGTH) {
            throw new MalformedCommandException("the line is " + json.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed");
        }
        JsonNode tree = readTree(json);
        if (!tree.isObject()) {
            throw new MalformedCommandException("not a JSON object: a command is {\"id\": ..., \"type\": ..., ...fields}, got "
                    + kind(tree));
        }
        List<String> problems = new ArrayList<>();
        checkId(tree.get(ID_FIELD), problems);
        Class<? extends LedgerCommand> type = commandType(tree.get(TYPE_KEY), problems);
        if (type == null) {
            throw malformed(problems);
        }
        RecordShape shape = SHAPES.computeIfAbsent(type, RecordShape::of);
        for (Iterator<String> keys = tree.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals(TYPE_KEY) && !shape.fieldNames().contains(key)) {
                problems.add(FieldRule.quote(key) + ": unknown field for " + type.getSimpleName()
                        + " (its fields: " + String.join(", ", shape.fieldNames()) + ")");
            }
        }
        Object[] arguments = new Object[shape.components().length];
        for (int i = 0; i < arguments.length; i++) {
            RecordComponent component = shape.components()[i];
            if (component.getName().equals(ID_FIELD)) {
                arguments[i] = tree.path(ID_FIELD).asText();
                continue;
            }
            try {
                arguments[i] = field(type, component, tree.get(component.getName()));
            } catch (BadField bad) {
                problems.add(component.getName() + ": " + bad.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw malformed(problems);
        }
        LedgerCommand command = shape.construct(arguments);
        // Rules that tie fields together (a COPY-book legacy fill names its leader; a follow gives exactly the
        // amount or the ratio of its mode) are the command checks of form: what the ledger refuses with
        // INVALID_ACCOUNT or INVALID_AMOUNT is malformed input here.
        Optional<Rejection> form = CommandChecks.firstViolation(command)
                .filter(r -> r.code() == RejectionCode.INVALID_ACCOUNT || r.code() == RejectionCode.INVALID_AMOUNT);
        if (form.isPresent()) {
            throw new MalformedCommandException(form.get().message());
        }
        return command;
    }

    private static JsonNode readTree(String json) throws MalformedCommandException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedCommandException(describe(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new MalformedCommandException("no JSON value: a command is {\"id\": ..., \"type\": ..., ...fields}");
        }
        return tree;
    }

    /** Jackson's own words, without its source excerpt, plus the column; a repeated key named plainly. */
    private static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst().orElse("");
        String column = e.getLocation() == null ? "" : " (column " + e.getLocation().getColumnNr() + ")";
        if (original.startsWith("Trailing token")) {
            return "not valid JSON: something follows the command's object on the line" + column;
        }
        String duplicatePrefix = "Duplicate field '";
        if (original.startsWith(duplicatePrefix) && original.endsWith("'")) {
            String key = original.substring(duplicatePrefix.length(), original.length() - 1);
            return FieldRule.quote(key) + ": the key appears more than once" + column;
        }
        return "not valid JSON: " + original + column;
    }

    private static void checkId(JsonNode id, List<String> problems) {
        String requirement = "must be a string of 1 to " + Names.COMMAND_ID_MAX_LENGTH + " characters";
        if (id == null) {
            problems.add("id: missing (every command needs one: " + requirement.substring("must be ".length()) + ")");
        } else if (!id.isTextual()) {
            problems.add("id: " + requirement + ", got " + kind(id));
        } else if (!Names.isValidCommandId(id.textValue())) {
            problems.add("id: " + requirement + ", got " + id.textValue().length() + " characters");
        }
    }

    private static Class<? extends LedgerCommand> commandType(JsonNode type, List<String> problems) {
        if (type == null) {
            problems.add("type: missing (it names the command: " + String.join(", ", CommandTypes.names()) + ")");
            return null;
        }
        if (!type.isTextual()) {
            problems.add("type: must be a string naming the command, got " + kind(type));
            return null;
        }
        Class<? extends LedgerCommand> resolved = CommandTypes.byName(type.textValue()).orElse(null);
        if (resolved == null) {
            problems.add("type: unknown command type " + FieldRule.quote(type.textValue())
                    + "; known types: " + String.join(", ", CommandTypes.names()));
        }
        return resolved;
    }

    private static Object field(Class<? extends LedgerCommand> type, RecordComponent component, JsonNode node)
            throws BadField {
        boolean optional = component.isAnnotationPresent(OptionalField.class);
        if (node == null) {
            if (optional) {
                return null;
            }
            throw new BadField("missing (" + type.getSimpleName() + " requires it)");
        }
        if (node.isNull()) {
            throw new BadField("null is not allowed" + (optional ? " (leave the field out to use its default)" : ""));
        }
        FieldRule rule = CommandFieldRules.of(type, component.getName()).orElseThrow(() -> new IllegalStateException(
                "CommandFieldRules has no rule for " + type.getSimpleName() + "." + component.getName()));
        Object value = value(component.getType(), node);
        String violation = rule.violation(value);
        if (violation != null) {
            throw new BadField(violation);
        }
        return value;
    }

    /** Reads a JSON value as the Java type of a record component, refusing any other JSON type. */
    private static Object value(Class<?> javaType, JsonNode node) throws BadField {
        if (javaType == String.class) {
            if (!node.isTextual()) {
                throw new BadField("must be a string, got " + kind(node));
            }
            return node.textValue();
        }
        if (javaType == BigDecimal.class) {
            if (node.isNumber()) {
                throw new BadField("must be a decimal string like \"1250.5\", got " + kind(node) + " (put the digits in quotes)");
            }
            if (!node.isTextual()) {
                throw new BadField("must be a decimal string like \"1250.5\", got " + kind(node));
            }
            String text = node.textValue();
            if (!Decimals.DECIMAL_TEXT.matcher(text).matches()) {
                throw new BadField(FieldRule.quote(text)
                        + " is not a decimal: digits with an optional leading - and an optional fraction, like \"1250.5\"");
            }
            return new BigDecimal(text);
        }
        if (javaType == Integer.class) {
            if (!node.isIntegralNumber()) {
                throw new BadField("must be a JSON integer like 10, got " + kind(node));
            }
            if (!node.canConvertToInt()) {
                throw new BadField(node.asText() + " is too large");
            }
            return node.intValue();
        }
        if (javaType.isEnum()) {
            String names = Arrays.stream(javaType.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.joining(", "));
            if (!node.isTextual()) {
                throw new BadField("must be one of " + names + " (a string), got " + kind(node));
            }
            for (Object constant : javaType.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(node.textValue())) {
                    return constant;
                }
            }
            throw new BadField("must be one of " + names + ", got " + FieldRule.quote(node.textValue()));
        }
        throw new IllegalStateException("CommandJson cannot read a command field of type " + javaType.getName());
    }

    private static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        } else if (node.isNumber()) {
            return "the JSON number " + node.asText();
        } else if (node.isBoolean()) {
            return "a boolean";
        } else if (node.isObject()) {
            return "an object";
        } else if (node.isArray()) {
            return "an array";
        } else if (node.isNull()) {
            return "null";
        }
        return node.getNodeType().name().toLowerCase();
    }

    private static MalformedCommandException malformed(List<String> problems) {
        return new MalformedCommandException(String.join("; ", problems));
    }

    /** One field's fault; collected so that a line reports all its faults at once. */
    private static final class BadField extends Exception {
        private BadField(String message) {
            super(message, null, false, false);
        }
    }

    /** A command record's components and canonical constructor, looked up once per type. */
    private record RecordShape(RecordComponent[] components, Set<String> fieldNames,
                               Constructor<? extends LedgerCommand> constructor) {

        static RecordShape of(Class<? extends LedgerCommand> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                throw new IllegalStateException(type.getName() + " is not a record; CommandJson reads records only");
            }
            Set<String> names = new LinkedHashSet<>();
            Class<?>[] parameterTypes = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                names.add(components[i].getName());
                parameterTypes[i] = components[i].getType();
            }
            try {
                return new RecordShape(components, Collections.unmodifiableSet(names),
                        type.getDeclaredConstructor(parameterTypes));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
            }
        }

        LedgerCommand construct(Object[] arguments) {
            try {
                return constructor.newInstance(arguments);
            } catch (InvocationTargetException e) {
                // Every value was checked above, so a constructor that still refuses is a bug here.
                throw new IllegalStateException("cannot build " + constructor.getDeclaringClass().getSimpleName()
                        + " from checked fields: " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build " + constructor.getDeclaringClass().getSimpleName(), e);
            }
        }
    }
}
