package io.github.bufdsl.ast;

/** Assignment operators of statements and of {@code @tensor}. */
public enum AssignOp {
    SET("="), ADD("+="), SUB("-="), MUL("*="), DIV("/="), DEFINE(":="), BROADCAST(".=");

    private final String symbol;

    AssignOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public static AssignOp of(String symbol) {
        for (AssignOp op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        throw new IllegalArgumentException(symbol);
    }
}
