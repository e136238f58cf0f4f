// The grammar of tdl as a chevrotain CstParser: pure syntax, no semantic actions; one instance, reused.
import { CstParser, EMPTY_ALT, EOF, tokenMatcher, type CstNode, type IToken, type TokenType } from 'chevrotain';
import * as t from './tokens.js';
import { tdlErrorMessages } from './messages.js';

const WORDS_AND_LITERALS = new Set<TokenType>([t.Identifier, t.IntegerLiteral, t.FloatLiteral, t.StringLiteral]);

export class TdlParser extends CstParser {
  /**
   * `validate` checks the grammar itself (ambiguities, left recursion) while it is built: slow, so the
   * shared instance skips it and a test builds one that validates. Two tokens of lookahead decide
   * every choice; more makes building the parser several times slower.
   */
  constructor(validate = false) {
    super(t.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 2,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: tdlErrorMessages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  /**
   * Recovery inserts a missing token, or deletes a stray one, before it re-syncs. When the token after
   * the stray one is the keyword or bracket expected (`repeat n as i x {`), deleting is right:
   * inserting would misread all that follows. (Names are everywhere, so for them inserting stays first.)
   * `repeat` is never inserted: `name: op(…)` on its own line is a call, not a repeat missing its keyword.
   */
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    if (tokType === t.Repeat) return false;
    return WORDS_AND_LITERALS.has(tokType) || !tokenMatcher(this.LA(2), tokType);
  }

  public file = this.RULE('file', () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(t.Newline) },
        {
          ALT: () => {
            this.OR2([{ ALT: () => this.SUBRULE(this.modelDecl) }, { ALT: () => this.SUBRULE(this.blockDecl) }]);
            this.SUBRULE(this.endOfStatement);
          },
        },
        { ALT: () => this.SUBRULE(this.junk), IGNORE_AMBIGUITIES: true },
        { ALT: () => this.SUBRULE(this.strayBrace) },
      ]),
    );
  });

  /**
   * A declaration, statement or rule ends at the end of its line, or right before the `}` closing its
   * body. Anything else left on the line is skipped by the error production `junk` and reported.
   */
  private endOfStatement = this.RULE('endOfStatement', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Newline) },
      { ALT: () => this.SUBRULE(this.junk) },
      { GATE: () => this.LA(1).tokenType === t.RCurly || this.LA(1).tokenType === EOF, ALT: EMPTY_ALT() },
    ]);
  });

  /** An error production: a `}` that closes nothing, skipped so the rest of the file is still parsed. */
  private strayBrace = this.RULE('strayBrace', () => {
    this.CONSUME(t.RCurly);
  });

  /**
   * The error production: a line that is no declaration or statement, skipped up to its end (with
   * any braces it opens). The AST builder reports it; grammar alternatives before it win ties.
   */
  private junk = this.RULE('junk', () => {
    this.AT_LEAST_ONE(() =>
      this.OR([
        { ALT: () => this.CONSUME(t.AnyToken) },
        {
          ALT: () => {
            this.CONSUME(t.LCurly);
            this.MANY(() => this.OR2([{ ALT: () => this.CONSUME(t.Newline) }, { ALT: () => this.SUBRULE(this.junk) }]));
            this.CONSUME(t.RCurly);
          },
        },
      ]),
    );
  });

  public modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(t.Model);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LCurly);
    this.MANY(() =>
      this.OR2([
        { ALT: () => this.CONSUME(t.Newline) },
        {
          ALT: () => {
            this.SUBRULE(this.modelItem);
            this.SUBRULE(this.endOfStatement);
          },
        },
        { ALT: () => this.SUBRULE(this.junk), IGNORE_AMBIGUITIES: true },
      ]),
    );
    this.CONSUME(t.RCurly);
  });

  private modelItem = this.RULE('modelItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.outputDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.checkpointDecl) },
      { ALT: () => this.SUBRULE(this.configDecl) },
      { ALT: () => this.SUBRULE(this.presetDecl) },
      { ALT: () => this.SUBRULE(this.claimDecl) },
      { ALT: () => this.SUBRULE(this.statement) },
    ]);
  });

  public constDecl = this.RULE('constDecl', () => {
    this.CONSUME(t.Const);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.constBinding) });
  });

  private constBinding = this.RULE('constBinding', () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
  });

  public inputDecl = this.RULE('inputDecl', () => {
    this.CONSUME(t.Input);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Colon);
    this.CONSUME2(t.Identifier);
    this.CONSUME(t.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.dimDecl) });
    this.CONSUME(t.RBracket);
  });

  private dimDecl = this.RULE('dimDecl', () => {
    this.SUBRULE(this.arithmetic);
    this.OPTION(() => {
      this.CONSUME(t.LessEq);
      this.SUBRULE2(this.arithmetic);
    });
  });

  public outputDecl = this.RULE('outputDecl', () => {
    this.CONSUME(t.Output);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
  });

  public blockDecl = this.RULE('blockDecl', () => {
    this.CONSUME(t.Block);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LParen);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(t.RParen);
    this.CONSUME(t.LCurly);
    this.MANY({
      GATE: () => this.LA(1).tokenType !== t.Return,
      DEF: () =>
        this.OR([
          { ALT: () => this.CONSUME(t.Newline) },
          {
            ALT: () => {
              this.SUBRULE(this.statement);
              this.SUBRULE(this.endOfStatement);
            },
          },
          { ALT: () => this.SUBRULE(this.junk), IGNORE_AMBIGUITIES: true },
        ]),
    });
    this.CONSUME(t.Return);
    this.SUBRULE(this.expression);
    this.MANY2(() => this.OR2([{ ALT: () => this.CONSUME2(t.Newline) }, { ALT: () => this.SUBRULE(this.afterReturn) }]));
    this.CONSUME(t.RCurly);
  });

  /** An error production: a line after a block's `return`, parsed (so its errors are found) and reported. */
  private afterReturn = this.RULE('afterReturn', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.statement) }, { ALT: () => this.SUBRULE(this.junk), IGNORE_AMBIGUITIES: true }]);
  });

  private param = this.RULE('param', () => {
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.Equals);
      this.SUBRULE(this.expression);
    });
  });

  private statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.repeatStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.assignment) },
    ]);
  });

  public repeatStmt = this.RULE('repeatStmt', () => {
    this.OPTION(() => {
      this.CONSUME(t.Identifier);
      this.CONSUME(t.Colon);
    });
    this.CONSUME(t.Repeat);
    this.SUBRULE(this.expression);
    this.CONSUME(t.As);
    this.CONSUME2(t.Identifier);
    this.SUBRULE(this.statementBlock);
  });

  public ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(t.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.statementBlock);
    this.OPTION(() => {
      this.CONSUME(t.Else);
      this.OR([{ ALT: () => this.SUBRULE(this.ifStmt) }, { ALT: () => this.SUBRULE2(this.statementBlock) }]);
    });
  });

  private statementBlock = this.RULE('statementBlock', () => {
    this.CONSUME(t.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(t.Newline) },
        {
          ALT: () => {
            this.SUBRULE(this.statement);
            this.SUBRULE(this.endOfStatement);
          },
        },
        { ALT: () => this.SUBRULE(this.junk), IGNORE_AMBIGUITIES: true },
      ]),
    );
    this.CONSUME(t.RCurly);
  });

  public assignment = this.RULE('assignment', () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
  });

  // ----- checkpoint naming sections -----

  /** `claim params(124439808)`: a fact the model file claims, which `tdl test` checks. */
  public claimDecl = this.RULE('claimDecl', () => {
    this.CONSUME(t.Claim);
    this.SUBRULE(this.expression);
  });

  /**
   * `{ rule… }`, one mapping rule a line: the body of checkpoint and config sections. A plain method
   * called inside their rules, so each keeps its own CST children (mappingRule, endOfStatement, junk).
   */
  private mappingBlock(): void {
    this.CONSUME(t.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(t.Newline) },
        {
          ALT: () => {
            this.SUBRULE(this.mappingRule);
            this.SUBRULE(this.endOfStatement);
          },
        },
        { ALT: () => this.SUBRULE(this.junk), IGNORE_AMBIGUITIES: true },
      ]),
    );
    this.CONSUME(t.RCurly);
  }

  public checkpointDecl = this.RULE('checkpointDecl', () => {
    this.CONSUME(t.Checkpoint);
    this.CONSUME(t.Identifier);
    this.mappingBlock();
  });

  // ----- config.json sections and presets -----

  /**
   * `config hf(model_type = "llama", architectures = ["LlamaForCausalLM"]) { d <- "hidden_size" | default(4096) }`:
   * the rules have the form of checkpoint mappings, a constant on the left and a config.json key on the right.
   */
  public configDecl = this.RULE('configDecl', () => {
    this.CONSUME(t.Config);
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(t.RParen);
    });
    this.mappingBlock();
  });

  /** `preset "llama-3-8b": vocab = 128256, kv_heads = 8`: a published size, as constants to set. */
  public presetDecl = this.RULE('presetDecl', () => {
    this.CONSUME(t.Preset);
    this.CONSUME(t.StringLiteral);
    this.OPTION(() => {
      this.CONSUME(t.Colon);
      this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.constBinding) });
    });
  });

  public mappingRule = this.RULE('mappingRule', () => {
    this.SUBRULE(this.paramPattern);
    this.CONSUME(t.Arrow);
    this.OR([{ ALT: () => this.CONSUME(t.StringLiteral) }, { ALT: () => this.SUBRULE(this.sourceCall) }]);
    this.MANY(() => {
      this.CONSUME(t.Pipe);
      this.SUBRULE(this.transform);
    });
  });

  private paramPattern = this.RULE('paramPattern', () => {
    this.AT_LEAST_ONE_SEP({ SEP: t.Dot, DEF: () => this.SUBRULE(this.patternSegment) });
  });

  private patternSegment = this.RULE('patternSegment', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Identifier) },
      { ALT: () => this.CONSUME(t.IntegerLiteral) },
      {
        ALT: () => {
          this.CONSUME(t.LCurly);
          this.CONSUME2(t.Identifier);
          this.CONSUME(t.RCurly);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.CONSUME3(t.Identifier) });
          this.CONSUME(t.RParen);
        },
      },
    ]);
  });

  /** Tensors combined from several in the checkpoint: `concat(0, "a", "b")` (no label). */
  private sourceCall = this.RULE('sourceCall', () => {
    this.CONSUME(t.Identifier);
    this.CONSUME(t.LParen);
    this.OPTION(() => this.SUBRULE(this.args));
    this.CONSUME(t.RParen);
  });

  private transform = this.RULE('transform', () => {
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(t.RParen);
    });
  });

  // ----- expressions, loosest binding first -----

  /**
   * `if … then … else …`, or operands joined by binary operators, flat: the AST builder applies
   * precedence (`||` loosest, then `&&`, comparisons, `+ -`, `* / %`). One rule for all the levels
   * keeps parsing fast.
   */
  private expression = this.RULE('expression', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ifExpression) },
      {
        ALT: () => {
          this.SUBRULE(this.unary);
          this.MANY(() => {
            this.CONSUME(t.BinaryOperator);
            this.SUBRULE2(this.unary);
          });
        },
      },
    ]);
  });

  private ifExpression = this.RULE('ifExpression', () => {
    this.CONSUME(t.If);
    this.SUBRULE(this.expression);
    this.CONSUME(t.Then);
    this.SUBRULE2(this.expression);
    this.CONSUME(t.Else);
    this.SUBRULE3(this.expression);
  });

  /** Arithmetic only (`+ - * / %`): the sizes of an input's dimensions, where `<=` introduces a bound. */
  private arithmetic = this.RULE('arithmetic', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(t.ArithmeticOperator);
      this.SUBRULE2(this.unary);
    });
  });

  private unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(t.Minus) }, { ALT: () => this.CONSUME(t.Bang) }]);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.FloatLiteral) },
      { ALT: () => this.CONSUME(t.IntegerLiteral) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.parenExpression) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.CONSUME(t.Identifier) },
    ]);
  });

  private listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(t.LBracket);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(t.RBracket);
  });

  private parenExpression = this.RULE('parenExpression', () => {
    this.CONSUME(t.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(t.RParen);
  });

  /** `op(args)` or `label: op(args)`. */
  private call = this.RULE('call', () => {
    this.OPTION(() => {
      this.CONSUME(t.Identifier);
      this.CONSUME(t.Colon);
    });
    this.CONSUME2(t.Identifier);
    this.CONSUME(t.LParen);
    this.OPTION2(() => this.SUBRULE(this.args));
    this.CONSUME(t.RParen);
  });

  private args = this.RULE('args', () => {
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.arg) });
  });

  private arg = this.RULE('arg', () => {
    this.OPTION(() => {
      this.CONSUME(t.Identifier);
      this.CONSUME(t.Equals);
    });
    this.SUBRULE(this.expression);
  });
}

/** The single parser instance; `input` is reset for each parse. */
export const tdlParser = new TdlParser();

export type { CstNode, IToken };
