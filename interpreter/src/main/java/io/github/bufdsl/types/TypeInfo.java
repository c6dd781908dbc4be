package io.github.bufdsl.types;

import io.github.bufdsl.diag.Diagnostic;
import io.github.bufdsl.diag.Pos;
import java.util.List;
import java.util.Map;

/**
 * What the type inference found: its errors (each certain on some path the free variables allow),
 * its warnings (what holds for some values of the free variables only: never a reason to refuse a
 * script; {@code check} prints them, {@code run} and {@code usage} do not), and, for every free
 * variable, the type its uses give it.
 */
public record TypeInfo(List<Diagnostic> errors, List<Diagnostic> warnings, Map<String, FreeVariable> freeVariables) {
    /**
     * A free variable's type: {@code type} is "Bool", "Int", "Number" (an Int or a Float64), "Any"
     * (nothing demands more), or a type {@code --var} cannot give ("Buffer", "Tensor", ...);
     * {@code pos} and {@code use} say which use fixed it ("a condition", "argument 2 of alloc!").
     */
    public record FreeVariable(String name, String type, Pos pos, String use) {
        /** Whether a value of {@code --var} (true, false, an integer or a number) can be of this type. */
        public boolean givenByVar() {
            return type.equals("Bool") || type.equals("Int") || type.equals("Number") || type.equals("Any");
        }

        /** Whether a binding's Java value (Boolean, Long, Double, String, Buffer, Tensor) can be of this type. */
        public boolean admits(Object value) {
            return switch (type) {
                case "Bool" -> value instanceof Boolean;
                case "Int" -> value instanceof Long || value instanceof Integer || value instanceof Short
                        || value instanceof Byte;
                case "Number" -> value instanceof Number || value instanceof Boolean;
                case "String" -> value instanceof String;
                case "Buffer" -> value instanceof io.github.bufdsl.runtime.Buffer;
                case "Tensor" -> value instanceof io.github.bufdsl.runtime.Tensor;
                default -> true;
            };
        }

        /** "true or false", "an integer": what a value must be, for messages. */
        public String words() {
            return switch (type) {
                case "Bool" -> "true or false";
                case "Int" -> "an integer";
                case "Number" -> "a number";
                case "Buffer" -> "a buffer";
                case "Tensor" -> "a tensor";
                case "String" -> "a string";
                default -> "a " + type;
            };
        }
    }
}
