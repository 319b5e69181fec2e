import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: one row per recipient and cause, written in the transaction
 * of the change that causes it, and the outbox of its email. The unique key
 * (recipient, kind, cause) is what makes "at most once per person and event"
 * hold across instances and scans. email_state walks
 * pending → sending → sent, or back to pending (a refusal, with backoff),
 * failed (given up), uncertain (a worker died between handing the message to
 * SMTP and recording it: never sent again); muted and off are never sent.
 * notification_mutes holds the kinds a person does not want by email.
 */
export class CreateNotifications1764181000000 implements MigrationInterface {
  name = 'CreateNotifications1764181000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL CHECK (kind IN ('sign_off_needed', 'decision_made', 'changes_requested', 'obligation_due', 're_review_due')),
        cause_key text NOT NULL CHECK (length(cause_key) BETWEEN 1 AND 300),
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        subject text NOT NULL,
        body text NOT NULL,
        link text NOT NULL,
        mandatory boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        email_state text NOT NULL CHECK (email_state IN ('pending', 'sending', 'sent', 'muted', 'off', 'failed', 'uncertain')),
        email_attempts integer NOT NULL DEFAULT 0 CHECK (email_attempts >= 0),
        next_attempt_at timestamptz,
        lease_until timestamptz,
        sent_at timestamptz,
        last_error text,
        CONSTRAINT notifications_once UNIQUE (recipient_user_id, kind, cause_key),
        CHECK ((email_state = 'pending') = (next_attempt_at IS NOT NULL)),
        CHECK ((email_state = 'sending') = (lease_until IS NOT NULL)),
        CHECK ((email_state = 'sent') = (sent_at IS NOT NULL))
      )`);
    // The worker's two queries: what is due to send, and what was left sending by a dead worker.
    await db.query(`CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE email_state = 'pending'`);
    await db.query(`CREATE INDEX notifications_leased ON notifications (lease_until) WHERE email_state = 'sending'`);
    // The scans ask whether a cause was already told to anyone.
    await db.query('CREATE INDEX notifications_cause ON notifications (kind, cause_key)');
    // A person's list, newest first, and its unread filter.
    await db.query('CREATE INDEX notifications_of_recipient ON notifications (recipient_user_id, created_at DESC, id DESC)');
    await db.query('CREATE INDEX notifications_unread_of_recipient ON notifications (recipient_user_id, created_at DESC, id DESC) WHERE read_at IS NULL');

    await db.query(`
      CREATE TABLE notification_mutes (
        user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL CHECK (kind IN ('decision_made', 'changes_requested', 'obligation_due', 're_review_due')),
        muted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, kind)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE notification_mutes');
    await db.query('DROP TABLE notifications');
  }
}
