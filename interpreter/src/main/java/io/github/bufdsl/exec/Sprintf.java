package io.github.bufdsl.exec;

import io.github.bufdsl.builtins.PrintfFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Printf's {@code @sprintf(format, values...)} (and so {@code @printf}, which the parser reads as
 * {@code print(@sprintf(...))}): the values as the format (Julia's, see {@link PrintfFormat}) writes
 * them, within the limits of every text a script makes ({@link Text}).
 */
final class Sprintf {
    private Sprintf() {
    }

    static Value call(Builtin.Call c) {
        if (!(c.arg(0) instanceof Value.Str f)) {
            throw new ScriptError("the format must be a string, not " + Arith.describe(c.arg(0)));
        }
        List<PrintfFormat.Arg> args = new ArrayList<>();
        for (Value v : c.args().subList(1, c.args().size())) {
            Number n = v instanceof Value.Int i ? (Number) i.value()
                    : v instanceof Value.Float x ? (Number) x.value()
                    : v instanceof Value.Float32 x ? (Number) x.value() : null;
            args.add(new PrintfFormat.Arg(n, v instanceof Value.Bool, v instanceof Value.Str,
                    Builtin.concat(List.of(v)).toString()));
        }
        try {
            PrintfFormat format = PrintfFormat.parse(f.value());
            Text out = new Text("the text of @sprintf").room(format.maxLength(args));
            return out.add(format.format(args)).value();
        } catch (PrintfFormat.FormatError | IllegalArgumentException e) {
            throw new ScriptError(c.node().pos(), e.getMessage());
        }
    }
}
