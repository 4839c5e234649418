package dev.ledger.domain.value;

import java.util.Objects;

/**
 * A contract's symbol ({@code BTCUSDT}): 1 to 20 upper-case letters and digits ({@link Names#ASSET_OR_SYMBOL}).
 * The commands keep symbols as strings; this type checks a name where a caller builds one.
 */
public record Symbol(String name) {

    public Symbol {
        Objects.requireNonNull(name, "name");
        if (!Names.isValidSymbol(name)) {
            throw new IllegalArgumentException("symbol must match " + Names.ASSET_OR_SYMBOL + ": " + name);
        }
    }

    public static Symbol of(String name) {
        return new Symbol(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
