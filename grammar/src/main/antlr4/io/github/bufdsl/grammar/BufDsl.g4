/*
 * The .buf language: a Julia-like syntax for kernels over preallocated tensor buffers.
 *
 * Statements end at a newline or ';'. Newlines inside (), [] and {} are not statement ends;
 * the parse stage filters them out of the token stream before the parser sees them.
 * No actions in the parser: the AST is built by a visitor over the parse tree.
 */
grammar BufDsl;

// `end` and `begin` inside an indexing A[...] (the last and first index): the parse stage gives
// them these types, so that they never close or open a block there.
tokens {
    END_INDEX,
    BEGIN_INDEX,
    INT_COEFFICIENT,
    FLOAT_COEFFICIENT
}

@lexer::members {
    /**
     * An INT or FLOAT that is a coefficient becomes an INT_COEFFICIENT or FLOAT_COEFFICIENT as it is
     * emitted (the character after it is then the next in the input). Not a predicate in the rules:
     * a lexer caches no step that passes a predicate, so every digit of every number would be
     * matched the slow way (with a cold cache, 1.4x to 2x the time to lex a short script).
     */
    @Override
    public Token emit() {
        if ((_type == INT || _type == FLOAT) && coefficient()) {
            _type = _type == INT ? BufDslParser.INT_COEFFICIENT : BufDslParser.FLOAT_COEFFICIENT;
        }
        return super.emit();
    }

    /**
     * Julia's numeric literal coefficient: a number right before a name or a '(' multiplies it (2n,
     * 2(n+1), 1.5x), with no space between; not before e, E or f (an exponent, as in 1e5) nor, after a
     * 0, before x, o or b (a hexadecimal, octal or binary literal, which stays an error); not after a
     * trailing '.' (2.(x)).
     */
    private boolean coefficient() {
        int c = _input.LA(1);
        String text = getText();
        if (c == 'e' || c == 'E' || c == 'f' || text.endsWith(".")
                || text.equals("0") && (c == 'x' || c == 'o' || c == 'b')) {
            return false;
        }
        return c == '(' || c == '_' || Character.isLetter(c);
    }
}

program
    : sep* (statement (sep+ statement)*)? sep* EOF
    ;

sep
    : NEWLINE
    | ';'
    ;

block
    : sep* (statement (sep+ statement)* sep*)?
    ;

statement
    : 'using' modulePath (',' modulePath)* (':' usingItem (',' usingItem)*)?     # UsingStmt
    | 'if' expr block ('elseif' expr block)* ('else' block)? 'end'               # IfStmt
    | forLoop                                                                    # ForStmt
    | 'while' expr block 'end'                                                   # WhileStmt
    | 'begin' block 'end'                                                        # BeginStmt
    | 'let' (letBinding (',' letBinding)*)? block 'end'                          # LetStmt
    | 'const' name '=' expr                                                      # ConstStmt
    | PASS_MACRO statement                                                       # PassMacroStmt
    | 'function' name '(' (param (',' param)*)? ')' block 'end'                  # FunctionStmt
    | 'return' (expr (',' expr)*)?                                               # ReturnStmt
    | 'break'                                                                    # BreakStmt
    | 'continue'                                                                 # ContinueStmt
    | MACRO macroArg*                                                            # MacroStmt
    | expr op = ('&&' | '||') jump                                               # ShortCircuitStmt
    | expr (',' expr)* assignOp expr (',' expr)*                                 # AssignStmt
    | expr                                                                       # ExprStmt
    ;

// Julia's `cond && return x`, `cond || break`: a jump after && or || as a statement
jump
    : 'return' (expr (',' expr)*)?                                               # ReturnJump
    | 'break'                                                                    # BreakJump
    | 'continue'                                                                 # ContinueJump
    ;

forLoop
    : 'for' forSpec (',' forSpec)* block 'end'
    ;

forSpec
    : name ('in' | '=' | '\u2208') expr
    ;

modulePath
    : '.'* name ('.' name)*
    ;

usingItem
    : name
    | MACRO
    ;

letBinding
    : name ('=' expr)?
    ;

param
    : name
    ;

macroArg
    : 'begin' block 'end'                                                        # MacroBlockArg
    | forLoop                                                                    # MacroForArg
    | expr (assignOp expr)?                                                      # MacroExprArg
    ;

assignOp
    : '=' | '+=' | '-=' | '*=' | '/=' | ':=' | '.=' | '.+=' | '.-=' | '.*=' | './=' | '\u00F7=' | '^=' | '%='
    ;

expr
    : expr '(' callArgs? ')'                                                     # CallExpr
    | expr '[' (indexArg (',' indexArg)*)? ']'                                   # IndexExpr
    | expr '.' '(' callArgs? ')'                                                 # DotCallExpr
    | expr '.' name                                                              # FieldExpr
    | expr '\''                                                                  # PrimeExpr
    | <assoc = right> expr op = ('^' | '.^') expr                                # PowerExpr
    | coefficient = (INT_COEFFICIENT | FLOAT_COEFFICIENT) expr                   # CoefficientExpr
    | op = ('-' | '+' | '!') expr                                                # UnaryExpr
    | expr op = ('*' | '/' | '%' | '\u00F7' | '.*' | './' | '.%') expr           # MulExpr
    | expr op = ('+' | '-' | '.+' | '.-') expr                                   # AddExpr
    | expr ':' expr                                                              # RangeExpr
    | expr op = ('==' | '!=' | '<' | '<=' | '>' | '>=' | '\u2248' | '\u2249') expr   # CompareExpr
    | expr '&&' expr                                                             # AndExpr
    | expr '||' expr                                                             # OrExpr
    | <assoc = right> expr '?' expr ':' expr                                     # TernaryExpr
    | name '{' expr (',' expr)* '}'                                              # ParametricExpr
    | '(' expr ')'                                                               # ParenExpr
    | '(' expr ',' (expr (',' expr)*)? ')'                                       # TupleExpr
    | '(' ')'                                                                    # EmptyTupleExpr
    | INT                                                                        # IntLiteral
    | (FLOAT | FLOAT32)                                                          # FloatLiteral
    | STRING                                                                     # StringLiteral
    | ('true' | 'false')                                                         # BoolLiteral
    | name                                                                       # NameExpr
    | END_INDEX                                                                  # EndIndexExpr
    | BEGIN_INDEX                                                                # BeginIndexExpr
    // a macro call as a value (2 * @tensor A[a] * B[a]): as in Julia, its arguments are the rest of
    // the expression, up to a ',' or a closing bracket
    | MACRO macroArg+                                                            # MacroExpr
    ;

callArgs
    : argument (',' argument)* (';' keywordArg (',' keywordArg)*)?
    | ';' keywordArg (',' keywordArg)*
    ;

argument
    : keywordArg
    | expr
    ;

keywordArg
    : name '=' expr
    ;

indexArg
    : ':'                                                                        # ColonIndex
    | expr                                                                       # ExprIndex
    ;

name
    : IDENT
    ;

// ---------------------------------------------------------------- lexer

// Macros that change nothing here (bounds are always checked, slices are always views).
PASS_MACRO
    : '@inbounds' | '@views' | '@simd' | '@fastmath' | '@inline' | '@noinline'
    ;

MACRO
    : ('Threads' '.')? '@' NAME_START NAME_PART*
    ;

// A Julia identifier may end in '!' (alloc!, drop!); "a!=b" is still a != b.
IDENT
    : NAME_START NAME_PART* ('!' {_input.LA(1) != '='}?)?
    ;

// An INT or FLOAT right before a name or '(' (2n, 1.5x) is Julia's literal coefficient: it becomes an
// INT_COEFFICIENT or FLOAT_COEFFICIENT (see coefficient() and emit())
INT
    : DIGITS
    ;

FLOAT
    : DIGITS '.' DIGITS? EXPONENT?
    | '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;

// Julia's Float32 literals: an f in place of the e of the exponent (1.5f0, 1f-3)
FLOAT32
    : DIGITS '.' DIGITS? F_EXPONENT
    | '.' DIGITS F_EXPONENT
    | DIGITS F_EXPONENT
    ;

STRING
    : '"' (~["\\\r\n] | '\\' .)* '"'
    ;

NEWLINE
    : '\r'? '\n'
    ;

// Julia's comments: #= ... =# anywhere in a line or over several, nested (each #= needs its own
// =#); a # not followed by = comments out the rest of its line.
BLOCK_COMMENT
    : '#=' (BLOCK_COMMENT | ~[#=] | '#' {_input.LA(1) != '='}? | '=' {_input.LA(1) != '#'}?)* '=#' -> skip
    ;

// A #= that no =# closes: the rest of the file is one token the parser reports at the #=.
UNCLOSED_COMMENT
    : '#=' {while (_input.LA(1) != EOF) _input.consume();}
    ;

LINE_COMMENT
    : '#' (~[=\r\n] ~[\r\n]*)? -> skip
    ;

WS
    : [ \t\f]+ -> skip
    ;

LINE_CONTINUATION
    : '\\' '\r'? '\n' -> skip
    ;

// Anything else is one token of its own, so that the parser reports it at its position.
UNKNOWN_CHAR
    : .
    ;

fragment NAME_START
    : [a-zA-Z_]
    | '\u00C0' .. '\u024F'
    | '\u0370' .. '\u03FF'
    ;

fragment NAME_PART
    : NAME_START
    | [0-9]
    ;

fragment DIGITS
    : [0-9] ('_'? [0-9])*
    ;

fragment EXPONENT
    : [eE] [+-]? [0-9]+
    ;

fragment F_EXPONENT
    : 'f' [+-]? [0-9]+
    ;
