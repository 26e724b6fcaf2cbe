// The emc model language.
//
//   model gmm;                      // optional name
//   K = 2;                          // a constant; `--set K=3` overrides it
//   data   x : vector[D];           // declarations are optional where usage decides them
//   latent z : 1..K;
//   param  mu[z] : vector[D];       // one per value of z
//   z ~ Categorical(phi);
//   x ~ Normal(mu[z], Sigma[z]);
//
// Only the syntax lives here. Type names (real, simplex, cov, …) and family names (Normal, …)
// are plain identifiers resolved by the semantic checker, so that a misspelling gets a
// "did you mean" rather than a token dump.
grammar Emc;

program
    : header? item* EOF
    ;

header
    : 'model' name=ID ';'
    ;

item
    : constDecl
    | varDecl
    | tilde
    ;

// K = 2;
constDecl
    : name=ID '=' value=expr ';'
    ;

// param mu[z] : vector[D];
varDecl
    : role=('data' | 'latent' | 'param' | 'covariate') name=ID ('[' index+=ID (',' index+=ID)* ']')? ':' type ';'
    ;

type
    : lo=expr '..' hi=expr                           # rangeType
    | name=ID ('[' dims+=expr (',' dims+=expr)* ']')? # namedType
    ;

// x ~ Normal(mu[z], Sigma[z]);   and, for a joint prior,  (mu, Sigma) ~ NormalInverseWishart(…);
tilde
    : (lhs+=expr | '(' lhs+=expr (',' lhs+=expr)+ ')') '~' family=ID '(' (args+=expr (',' args+=expr)*)? ')' ';'
    ;

expr
    : '-' operand=expr                                        # negation
    | left=expr op=('*' | '/') right=expr                     # binary
    | left=expr op=('+' | '-') right=expr                     # binary
    | name=ID '[' indices+=expr (',' indices+=expr)* ']'      # index
    | name=ID '(' (args+=expr (',' args+=expr)*)? ')'         # call
    | '(' inner=expr ')'                                      # parens
    | value=(INT | REAL)                                      # number
    | name=ID                                                 # name
    ;

MODEL     : 'model';
DATA      : 'data';
LATENT    : 'latent';
PARAM     : 'param';
COVARIATE : 'covariate';

ID   : [a-zA-Z_] [a-zA-Z_0-9]* ;
// A real needs digits after its point, so that `1..K` reads as 1, .., K.
REAL : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT | '.' DIGITS EXPONENT? ;
INT  : DIGITS ;
fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n\f]+ -> skip ;
// A `/*` that never closes: one token, so the parser can say so instead of tripping on `/`.
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;
// Anything else becomes one token the parser reports, instead of the lexer printing to stderr.
UNEXPECTED    : . ;
