import type { INTERACTION_TYPES } from '#core/interaction/interaction.model';

export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** Who a customer reference in a sentence points at (resolved inside the agent's scope). */
export type CustomerRef =
  | { by: 'name'; name: string }
  | { by: 'phone'; digits: string }
  | { by: 'last4'; digits: string }
  | { by: 'policy'; number: string };

export interface FollowUp {
  date: string;
  time: string | undefined;
  /** The words that named it. */
  text: string;
}

/** What the parser understood; the engine turns it into domain calls. */
export type Intent =
  | { kind: 'query'; ref: CustomerRef; focus: 'card' | 'policies' }
  | {
      kind: 'log';
      ref: CustomerRef;
      type: InteractionType;
      typeWord: string | undefined;
      summary: string;
      needs: string[];
      followUp: FollowUp | undefined;
    }
  | {
      kind: 'new_customer';
      name: string;
      phone: string | undefined;
      referrer: CustomerRef | undefined;
      channel: '转介绍' | undefined;
    }
  | { kind: 'tasks' }
  | { kind: 'renewals'; range: 'soon' | 'month' }
  | { kind: 'claims'; ref: CustomerRef | undefined }
  | { kind: 'digest' }
  | { kind: 'pick'; n: number }
  | { kind: 'cancel' }
  | { kind: 'help'; reason: HelpReason; hint?: string };

export type HelpReason = 'asked' | 'empty' | 'too_long' | 'no_text' | 'unknown' | 'incomplete';

/** A button on a card; `key` comes back in template_card_event clicks. */
export interface CardButton {
  text: string;
  key: string;
}

/** One reply message. Every text is within WeCom's 2048 bytes. */
export type BotReply =
  | { kind: 'text'; text: string }
  | { kind: 'markdown'; text: string }
  | {
      kind: 'card';
      /** task_id of the WeCom card (unique per message). */
      taskId: string;
      title: string;
      desc: string;
      rows: { key: string; value: string }[];
      buttons: CardButton[];
      /** The whole card as text, for chats without cards (wechaty, terminal) and as a fallback. */
      text: string;
    };

/** Who is talking to the bot, as each transport knows them. */
export type BotIdentity =
  | { via: 'wecom'; wecomUserId: string }
  | { via: 'wechaty'; contactId: string }
  | { via: 'user'; userId: string };
