package io.github.bufdsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** --var's name and integer checks, written out by hand, against the regular expressions they replace. */
class VarParserTest {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");
    private static final Pattern INT = Pattern.compile("[+-]?[0-9](_?[0-9])*");

    @Test
    void theHandWrittenChecksAgreeWithTheRegexesOnRandomText() {
        Random random = new Random(18);
        String alphabet = "aZ_09+-.e x";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String t = s.toString();
            assertEquals(NAME.matcher(t).matches(), VarParser.isName(t), "name '" + t + "'");
            assertEquals(INT.matcher(t).matches(), VarParser.isInteger(t), "integer '" + t + "'");
        }
    }

    @Test
    void valuesAsBefore() {
        Map<String, Object> v = VarParser.parse(List.of("a=1_000", "b=-3", "c=true", "d=2.5", "e=+7"),
                Set.of("a", "b", "c", "d", "e"));
        assertEquals(Map.of("a", 1000L, "b", -3L, "c", true, "d", 2.5, "e", 7L), v);
    }
}
