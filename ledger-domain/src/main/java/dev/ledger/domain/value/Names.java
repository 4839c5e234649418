package dev.ledger.domain.value;

import java.util.regex.Pattern;

/** Naming rules for assets, symbols and command ids. */
public final class Names {

    /** Assets and symbols. */
    public static final Pattern ASSET_OR_SYMBOL = Pattern.compile("[A-Z0-9]{1,20}");
    public static final int COMMAND_ID_MAX_LENGTH = 128;

    private Names() {
    }

    public static boolean isValidAsset(String asset) {
        return asset != null && ASSET_OR_SYMBOL.matcher(asset).matches();
    }

    public static boolean isValidSymbol(String symbol) {
        return isValidAsset(symbol);
    }

    public static boolean isValidCommandId(String id) {
        return id != null && !id.isEmpty() && id.length() <= COMMAND_ID_MAX_LENGTH;
    }
}
