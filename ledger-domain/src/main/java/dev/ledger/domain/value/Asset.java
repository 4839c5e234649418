package dev.ledger.domain.value;

import java.util.Objects;

/**
 * An asset's name ({@code USDT}, {@code BTC}): 1 to 20 upper-case letters and digits ({@link Names#ASSET_OR_SYMBOL}).
 * The commands keep assets as strings; this type checks a name where a caller builds one.
 */
public record Asset(String name) {

    public Asset {
        Objects.requireNonNull(name, "name");
        if (!Names.isValidAsset(name)) {
            throw new IllegalArgumentException("asset must match " + Names.ASSET_OR_SYMBOL + ": " + name);
        }
    }

    public static Asset of(String name) {
        return new Asset(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
