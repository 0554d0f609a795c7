-- PostgreSQL functions of the server: the four hot paths of a busy hall and the event
-- sequencer's round, each one call, so one round trip in place of several statements
-- answered one by one.
--
-- The hot paths (called by kiosk/server/pg_fast_paths.py): the Python of tickets.py and
-- rating_records.py stays the rule, and these do exactly what it does for the common case.
-- Anything unusual (a service held over midnight, a late rating of an earlier day) is refused
-- with 'fallback', and the Python path does it. Refusals are raised as errors (SQLSTATE
-- P0001) whose message is a code the Python side maps to its own answer and whose detail is
-- what that answer names; nothing has been written by then.
--
-- Installed by db.migrate() at every start, after the schema is at head, so a function always
-- matches the tables it writes. CREATE OR REPLACE cannot change a function's result columns:
-- a change to them needs a new function name.

-- A kiosk's ticket: tickets.issue().
CREATE OR REPLACE FUNCTION bangban_issue(
    p_hall integer, p_device integer, p_key text, p_matter integer, p_queue integer,
    p_service_type text, p_priority text, p_phone text, p_tier integer, p_rank_at timestamp,
    p_now timestamp, p_day date, p_public_token text)
RETURNS TABLE (replayed boolean, id bigint, number text, queue_id integer, ahead bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_queue integer := p_queue;
    v_matter record;
    v_queue_row record;
    v_seq integer;
    v_number text;
    v_id bigint;
    v_before bigint;
    v_ahead bigint;
BEGIN
    IF p_key IS NOT NULL THEN
        SELECT t.id INTO v_id FROM tickets t WHERE t.device_id = p_device AND t.idempotency_key = p_key;
        IF FOUND THEN
            RETURN QUERY SELECT true, v_id, NULL::text, NULL::integer, NULL::bigint;
            RETURN;
        END IF;
    END IF;
    IF p_matter IS NOT NULL THEN
        SELECT m.hall_id, m.queue_id, m.name, m.proxy_allowed, m.retired_at INTO v_matter
        FROM matters m WHERE m.id = p_matter;
        IF NOT FOUND OR v_matter.hall_id <> p_hall THEN
            RAISE EXCEPTION 'matter_not_found';
        END IF;
        IF v_matter.retired_at IS NOT NULL THEN
            RAISE EXCEPTION 'matter_retired';
        END IF;
        IF p_service_type = 'proxy' AND NOT v_matter.proxy_allowed THEN
            RAISE EXCEPTION 'proxy_not_offered' USING DETAIL = v_matter.name;
        END IF;
        v_queue := v_matter.queue_id;
    END IF;
    SELECT q.hall_id, q.prefix, q.retired_at INTO v_queue_row FROM queues q WHERE q.id = v_queue;
    IF NOT FOUND OR v_queue_row.hall_id <> p_hall THEN
        RAISE EXCEPTION 'queue_not_found';
    END IF;
    IF v_queue_row.retired_at IS NOT NULL THEN
        RAISE EXCEPTION 'queue_retired';
    END IF;

    INSERT INTO ticket_counters AS c (hall_id, queue_id, day, last_seq) VALUES (p_hall, v_queue, p_day, 1)
    ON CONFLICT (hall_id, queue_id, day) DO UPDATE SET last_seq = c.last_seq + 1
    RETURNING c.last_seq INTO v_seq;
    -- the line as the new ticket finds it, and who in it is called first (queue_policy's order)
    SELECT count(*), count(*) FILTER (WHERE t.tier < p_tier OR (t.tier = p_tier AND t.rank_at <= p_rank_at))
    INTO v_before, v_ahead
    FROM tickets t WHERE t.queue_id = v_queue AND t.status = 'waiting' AND t.day = p_day;
    v_number := v_queue_row.prefix || CASE WHEN v_seq < 1000 THEN lpad(v_seq::text, 3, '0') ELSE v_seq::text END;

    INSERT INTO tickets (hall_id, queue_id, matter_id, device_id, idempotency_key, service_type, day, seq,
                         number, public_token, status, priority_group, phone, tier, rank_at, issued_at,
                         recall_count)
    VALUES (p_hall, v_queue, p_matter, p_device, p_key, p_service_type, p_day, v_seq, v_number,
            p_public_token, 'waiting', p_priority, p_phone, p_tier, p_rank_at, p_now, 0)
    RETURNING tickets.id INTO v_id;
    INSERT INTO audit_log (hall_id, at, action, helper_id, device_id, ticket_id, detail)
    VALUES (p_hall, p_now, 'ticket.issue', NULL, p_device, v_id, json_build_object('number', v_number));
    INSERT INTO event_outbox (hall_id, type, at, data)
    VALUES (p_hall, 'ticket.issued', p_now, json_build_object(
        'ticket_id', v_id, 'number', v_number, 'queue_id', v_queue, 'priority', p_priority IS NOT NULL,
        'waiting', v_before + 1));
    RETURN QUERY SELECT false, v_id, v_number, v_queue, v_ahead;
END $$;


-- A window calls the head of its line: tickets.call_next(). No row: nobody waits for it.
CREATE OR REPLACE FUNCTION bangban_call_next(
    p_hall integer, p_window integer, p_window_number integer, p_window_name text, p_helper integer,
    p_device integer, p_now timestamp, p_today date)
RETURNS SETOF tickets
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_held text;
    v_ticket tickets;
    v_waiting bigint;
BEGIN
    SELECT t.number INTO v_held FROM tickets t
    WHERE t.hall_id = p_hall AND t.status IN ('called', 'serving') AND t.window_id = p_window LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'window_busy' USING DETAIL = v_held;
    END IF;
    UPDATE tickets t SET status = 'called', window_id = p_window, helper_id = p_helper, called_at = p_now,
                         target_window_id = NULL
    WHERE t.id = (
        SELECT h.id FROM tickets h
        WHERE h.hall_id = p_hall AND h.status = 'waiting' AND h.day = p_today
          AND h.rank_at <= p_now  -- a booked ticket is held until its slot's lead (queue_policy.held)
          AND (h.target_window_id = p_window
               OR (h.target_window_id IS NULL
                   AND h.queue_id IN (SELECT wq.queue_id FROM window_queues wq WHERE wq.window_id = p_window)))
        ORDER BY h.tier, h.rank_at, h.id LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING t.* INTO v_ticket;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO services (hall_id, ticket_id, queue_id, window_id, helper_id, called_at, log)
    VALUES (v_ticket.hall_id, v_ticket.id, v_ticket.queue_id, p_window, p_helper, p_now, '');
    INSERT INTO audit_log (hall_id, at, action, helper_id, device_id, ticket_id, detail)
    VALUES (p_hall, p_now, 'ticket.call', p_helper, p_device, v_ticket.id,
            json_build_object('window', p_window_number));
    SELECT count(*) INTO v_waiting FROM tickets t
    WHERE t.queue_id = v_ticket.queue_id AND t.status = 'waiting' AND t.day = p_today;
    INSERT INTO event_outbox (hall_id, type, at, data)
    VALUES (v_ticket.hall_id, 'ticket.called', p_now, json_build_object(
        'ticket_id', v_ticket.id, 'number', v_ticket.number, 'queue_id', v_ticket.queue_id,
        'window', p_window_number, 'window_name', p_window_name, 'waiting', v_waiting));
    RETURN NEXT v_ticket;
END $$;


-- A helper finishes the ticket their window holds: tickets.finish(). Returns it as it is now.
CREATE OR REPLACE FUNCTION bangban_finish(
    p_hall integer, p_ticket bigint, p_window integer, p_window_number integer, p_helper integer,
    p_helper_code text, p_helper_name text, p_device integer, p_outcome text, p_log text,
    p_now timestamp, p_today_starts timestamp)
RETURNS SETOF tickets
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_ticket tickets;
    v_service services;
BEGIN
    SELECT * INTO v_ticket FROM tickets t WHERE t.id = p_ticket FOR UPDATE;
    IF NOT FOUND OR v_ticket.hall_id <> p_hall THEN
        RAISE EXCEPTION 'ticket_not_found';
    END IF;
    IF v_ticket.window_id IS DISTINCT FROM p_window OR v_ticket.status NOT IN ('called', 'serving') THEN
        RAISE EXCEPTION 'not_held' USING DETAIL = v_ticket.number;
    END IF;
    SELECT * INTO v_service FROM services s WHERE s.ticket_id = p_ticket AND s.ended_at IS NULL
    ORDER BY s.id DESC LIMIT 1;
    IF NOT FOUND OR v_service.called_at < p_today_starts THEN
        -- held over midnight (an earlier day's figures change), or no open service: Python's case
        RAISE EXCEPTION 'fallback';
    END IF;
    UPDATE tickets t SET status = 'finished', outcome = p_outcome, finished_at = p_now
    WHERE t.id = p_ticket RETURNING t.* INTO v_ticket;
    UPDATE services s SET outcome = p_outcome, finished_at = p_now, ended_at = p_now, end_reason = 'finished',
                          log = concat_ws(E'\n', NULLIF(s.log, ''), NULLIF(p_log, ''))
    WHERE s.id = v_service.id;
    INSERT INTO audit_log (hall_id, at, action, helper_id, device_id, ticket_id, detail)
    VALUES (p_hall, p_now, 'ticket.finish', p_helper, p_device, p_ticket, json_build_object('outcome', p_outcome));
    INSERT INTO event_outbox (hall_id, type, at, data)
    VALUES (v_ticket.hall_id, 'ticket.finished', p_now, json_build_object(
                'ticket_id', p_ticket, 'number', v_ticket.number, 'window', p_window_number,
                'outcome', p_outcome, 'queue_id', v_ticket.queue_id)),
           (v_ticket.hall_id, 'rating.requested', p_now, json_build_object(
                'window', p_window_number, 'service_id', v_service.id, 'ticket_id', p_ticket,
                'number', v_ticket.number, 'helper_code', p_helper_code, 'helper_name', p_helper_name));
    RETURN NEXT v_ticket;
END $$;


-- A pad's press: rating_records.record() for a press whose time is plausible. Returns the
-- rating and whether this press made it (false: the pad sent this press before).
CREATE OR REPLACE FUNCTION bangban_rate(
    p_hall integer, p_window_number integer, p_device integer, p_pad_seq bigint, p_score integer,
    p_service bigint, p_since timestamp, p_until timestamp, p_follow_up boolean, p_now timestamp,
    p_today_starts timestamp)
RETURNS TABLE (created boolean, id bigint, service_id bigint, window_id integer, score integer,
               pad_seq bigint, rated_at timestamp)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_window integer;
    v_rating ratings;
    v_service record;
    v_follow_up integer;
BEGIN
    SELECT w.id INTO v_window FROM windows w WHERE w.hall_id = p_hall AND w.number = p_window_number;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'window_not_found';
    END IF;
    SELECT * INTO v_rating FROM ratings r WHERE r.window_id = v_window AND r.pad_seq = p_pad_seq;
    IF NOT FOUND THEN
        SELECT s.id, s.ticket_id, s.helper_id, s.called_at, t.number, r.id AS rating_id INTO v_service
        FROM services s JOIN tickets t ON t.id = s.ticket_id LEFT JOIN ratings r ON r.service_id = s.id
        WHERE s.window_id = v_window AND s.finished_at IS NOT NULL
          AND s.finished_at >= p_since AND s.finished_at <= p_until
          AND (p_service IS NULL OR s.id = p_service)
        ORDER BY s.finished_at DESC, s.id DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'nothing_to_rate';
        END IF;
        IF v_service.rating_id IS NOT NULL THEN
            RAISE EXCEPTION 'already_rated';
        END IF;
        IF v_service.called_at < p_today_starts THEN
            RAISE EXCEPTION 'fallback';  -- a late rating: an earlier day's figures change
        END IF;
        INSERT INTO ratings AS r (hall_id, service_id, window_id, helper_id, device_id, score, pad_seq, rated_at)
        VALUES (p_hall, v_service.id, v_window, v_service.helper_id, p_device, p_score, p_pad_seq, p_now)
        RETURNING r.* INTO v_rating;
        INSERT INTO audit_log (hall_id, at, action, helper_id, device_id, ticket_id, detail)
        VALUES (p_hall, p_now, 'rating.record', NULL, p_device, v_service.ticket_id,
                json_build_object('score', p_score, 'pad_seq', p_pad_seq));
        INSERT INTO event_outbox (hall_id, type, at, data)
        VALUES (p_hall, 'rating.recorded', p_now, json_build_object(
            'window', p_window_number, 'service_id', v_service.id, 'number', v_service.number, 'score', p_score));
        IF p_follow_up THEN
            INSERT INTO follow_ups AS f (hall_id, rating_id, helper_id, status, opened_at, note)
            VALUES (p_hall, v_rating.id, v_service.helper_id, 'open', p_now, '')
            RETURNING f.id INTO v_follow_up;
            INSERT INTO event_outbox (hall_id, type, at, data)
            VALUES (p_hall, 'followup.opened', p_now, json_build_object(
                'follow_up_id', v_follow_up, 'window', p_window_number, 'number', v_service.number,
                'score', p_score));
        END IF;
        RETURN QUERY SELECT true, v_rating.id, v_rating.service_id, v_rating.window_id, v_rating.score,
                            v_rating.pad_seq, v_rating.rated_at;
        RETURN;
    END IF;
    RETURN QUERY SELECT false, v_rating.id, v_rating.service_id, v_rating.window_id, v_rating.score,
                        v_rating.pad_seq, v_rating.rated_at;
END $$;


-- One round of the event sequencer (events.py): every committed outbox event into the log, in
-- the order written, after the rounds of other processes (the advisory lock, held to the end
-- of this call's transaction), and a note to the other processes naming the writer.
CREATE OR REPLACE FUNCTION bangban_move_outbox(p_lock bigint, p_channel text, p_writer text)
RETURNS TABLE (id bigint, hall_id integer, type varchar, at timestamp, data json)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock);
    PERFORM pg_notify(p_channel, p_writer);
    RETURN QUERY
    WITH moved AS (DELETE FROM event_outbox o RETURNING o.id AS outbox_id, o.hall_id, o.type, o.at, o.data)
    INSERT INTO events AS e (hall_id, type, at, data)
    SELECT m.hall_id, m.type, m.at, m.data FROM moved m ORDER BY m.outbox_id
    RETURNING e.id, e.hall_id, e.type, e.at, e.data;
END $$;
