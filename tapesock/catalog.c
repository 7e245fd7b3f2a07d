/*
 * catalog.c — the message catalogue: one entry per message, and the
 * functions that look entries up and render them.
 *
 * Numbers are stable: an entry keeps its (code, number) for ever and a
 * retired number is never given to another message.  New messages take
 * the next free number of their component.  The TS and SA texts are the
 * reference manual's words, so that operators of the old system
 * recognise them; test/data/seed-messages.txt lists them.
 *
 * The fmt strings are the contract with every caller: the compiler
 * cannot check arguments against a format taken from a table, so
 * test/unit/check_catalog.c pins the conversions of each entry.
 */
#include <syslog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

static const struct msgdef catalog[MSG__COUNT] = {
	/*
	 * TS: trace messages of the servers, in the order of the seed's
	 * "Status Command" list.
	 */
	[MSG_TS_ACK_TIMEOUT] = {
		.name = "TS_ACK_TIMEOUT", .code = "TS", .number = 1,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "ACK timeout",
		.fmt = "ACK timeout",
		.meaning = "The input server acknowledged nothing for "
		    "hbtimeout seconds while messages were in flight, and "
		    "did not say it was busy with its pipe. The output "
		    "server retries: it drops the link, calls again and "
		    "sends every message not yet acknowledged.",
		.action = "None if it is isolated. If it repeats, check "
		    "that the input server is running (tape-socket check "
		    "cmd=query) and that the process reading its pipe is "
		    "consuming data: a stalled reader fills the pipe and "
		    "holds the acknowledgements back.",
	},
	[MSG_TS_ACCEPT_ERR] = {
		.name = "TS_ACCEPT_ERR", .code = "TS", .number = 2,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Accept err=n",
		.fmt = "Accept err=%d",
		.meaning = "The accept() system call of the input server "
		    "failed; n is the errno value (see errno(3)). The "
		    "incoming call is lost; the server goes on listening "
		    "and the output server calls again.",
		.action = "Look n up with errno(3). 24 (EMFILE) or 23 "
		    "(ENFILE): raise the open file limit (ulimit -n, or "
		    "LimitNOFILE= in the systemd unit). 12 (ENOMEM) or 105 "
		    "(ENOBUFS): the machine is short of memory.",
	},
	[MSG_TS_BAD_HEADER] = {
		.name = "TS_BAD_HEADER", .code = "TS", .number = 3,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Bad header 'X'",
		.fmt = "Bad header '%s'",
		.meaning = "A network message had an incorrectly formatted "
		    "header (wrong magic, length or checksum); X is a hex "
		    "dump of the header. Nothing of it reaches the pipe: "
		    "the connection is reset and the data is sent again.",
		.action = "None if it is isolated. If it repeats, make sure "
		    "no other program connects to the port, that both "
		    "machines run the same version (tape-socket version), "
		    "and check the network path for faulty equipment.",
	},
	[MSG_TS_BAD_MSG_NUM] = {
		.name = "TS_BAD_MSG_NUM", .code = "TS", .number = 4,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Bad msg num 'X'",
		.fmt = "Bad msg num '%s'",
		.meaning = "A network header contained an incorrect message "
		    "number X: it goes backwards, jumps over messages the "
		    "input server has not received, or belongs to another "
		    "stream. The message is refused and the connection "
		    "reset.",
		.action = "If the state of one server was removed or the "
		    "server set up again, the two no longer share a "
		    "stream: stop both servers, drain the pipes if the data "
		    "is to be sent again, and start them. Otherwise keep "
		    "both logs and report the incident.",
	},
	[MSG_TS_BIND_ERR] = {
		.name = "TS_BIND_ERR", .code = "TS", .number = 5,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Bind err=n",
		.fmt = "Bind err=%d",
		.meaning = "The input server could not bind its socket to "
		    "the configured port; n is the errno value. The server "
		    "stops.",
		.action = "98 (EADDRINUSE): another process holds the port: "
		    "pick a free port with setarg port=, or stop the other "
		    "process; see `ss -ltnp`. 13 (EACCES): ports below 1024 "
		    "are privileged; use a port between 1024 and 32767. "
		    "Then start the server again.",
	},
	[MSG_TS_BROKEN_PIPE] = {
		.name = "TS_BROKEN_PIPE", .code = "TS", .number = 6,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Broken pipe",
		.fmt = "Broken pipe",
		.meaning = "The input server tried to write into its pipe, "
		    "but the process reading it (the transaction restore, "
		    "tar, a file load) closed it (EPIPE). The block is "
		    "kept: the server waits for a reader to open the pipe "
		    "again.",
		.action = "Find out why the reading process ended (its own "
		    "output or log) and start it again on the pipe.",
	},
	[MSG_TS_CALL_ERR] = {
		.name = "TS_CALL_ERR", .code = "TS", .number = 7,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Call err=n",
		.fmt = "Call err=%d",
		.meaning = "The output server cannot call the input server: "
		    "the call could not be placed (host name not resolved, "
		    "no route, no socket); n is the errno value. It calls "
		    "again every 5 seconds, callrep times (for ever with "
		    "callrep=0).",
		.action = "Check host= names the receiving machine and that "
		    "it resolves (getent hosts name); use `ping host` to "
		    "make sure it is reachable.",
	},
	[MSG_TS_NO_JOBID] = {
		.name = "TS_NO_JOBID", .code = "TS", .number = 8,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Cannot find jobid",
		.fmt = "Cannot find jobid",
		.meaning = "The server could not find its own pid file entry "
		    "in the home (the file that names the running server "
		    "and its process id). The command line cannot reach it "
		    "to query or stop it.",
		.action = "Make sure the server and the command line use "
		    "the same home (TAPESOCK_HOME) and that nothing cleans "
		    "the home behind them (tmpfiles.d). Stop the server "
		    "with kill(1) and start it again with tape-socket "
		    "start.",
	},
	[MSG_TS_CHECK_ERR] = {
		.name = "TS_CHECK_ERR", .code = "TS", .number = 9,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Check ERR",
		.fmt = "Check ERR",
		.meaning = "The input server responded to a 'check' command "
		    "but found an error: the remote command is unknown, "
		    "failed, or is not allowed.",
		.action = "Read the reply printed by tape-socket check. See "
		    "the check commands in tape-socket(1); an exec command "
		    "must be allow-listed on the input server.",
	},
	[MSG_TS_CHECK_OK] = {
		.name = "TS_CHECK_OK", .code = "TS", .number = 10,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Check OK",
		.fmt = "Check OK",
		.meaning = "The input server responded to a 'check' "
		    "command.",
		.action = "None.",
	},
	[MSG_TS_CLEAR_PIPE] = {
		.name = "TS_CLEAR_PIPE", .code = "TS", .number = 11,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Clear pipe",
		.fmt = "Clear pipe",
		.meaning = "The server emptied its pipe at start-up: the (C "
		    "option was not given and the server is not linked to "
		    "the transaction logger. The data drained out is saved "
		    "in ts.log,backup in the home.",
		.action = "None. To keep the data in the pipe, start the "
		    "server with the (C option.",
	},
	[MSG_TS_CONNECT_ACCEPT] = {
		.name = "TS_CONNECT_ACCEPT", .code = "TS", .number = 12,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Connect accept",
		.fmt = "Connect accept",
		.meaning = "The input server accepted an incoming connection "
		    "from the output server.",
		.action = "None.",
	},
	[MSG_TS_CONNECT_ERR] = {
		.name = "TS_CONNECT_ERR", .code = "TS", .number = 13,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Connect err=n",
		.fmt = "Connect err=%d",
		.meaning = "The output server failed to establish the "
		    "connection: connect() failed; n is the errno value. "
		    "It calls again every 5 seconds, callrep times.",
		.action = "111 (ECONNREFUSED): nothing listens on the port: "
		    "start the input server, and check that port= is the "
		    "same on both sides. 110 (ETIMEDOUT) or 113 "
		    "(EHOSTUNREACH): check the network and the firewalls "
		    "between the machines (`ping host`).",
	},
	[MSG_TS_HREAD_TRUNC] = {
		.name = "TS_HREAD_TRUNC", .code = "TS", .number = 14,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Hread trunc=n",
		.fmt = "Hread trunc=%zu",
		.meaning = "A network message header was truncated: the "
		    "connection ended inside a header; n is the length "
		    "read. The connection is reset and the data is sent "
		    "again.",
		.action = "None if it is isolated (a network cut). If it "
		    "repeats, check the network path and that no other "
		    "program connects to the port.",
	},
	[MSG_TS_LISTEN_ERR] = {
		.name = "TS_LISTEN_ERR", .code = "TS", .number = 15,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Listen err=n",
		.fmt = "Listen err=%d",
		.meaning = "The listen() system call of the input server "
		    "failed; n is the errno value. The server stops.",
		.action = "98 (EADDRINUSE): another process listens on the "
		    "port (see `ss -ltnp`): choose another port with setarg "
		    "port= or stop that process, then start the server "
		    "again.",
	},
	[MSG_TS_LOCAL_QUERY] = {
		.name = "TS_LOCAL_QUERY", .code = "TS", .number = 16,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Local query",
		.fmt = "Local query",
		.meaning = "The server responded to a 'tape-socket query' "
		    "command run on this machine.",
		.action = "None.",
	},
	[MSG_TS_LOST_MSG] = {
		.name = "TS_LOST_MSG", .code = "TS", .number = 17,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Lost msg=n",
		.fmt = "Lost msg=%llu",
		.meaning = "The input server detected a message loss: n is "
		    "the number of the message received. The messages from "
		    "the current message up to n are lost. What follows is "
		    "the lost= keyword's choice, traced next: stop the input "
		    "server (the default), refuse the message and reset the "
		    "connection so that the output server may send the "
		    "missing ones again, or accept the jump.",
		.action = "None if it is followed by a normal transfer. If "
		    "it repeats, the spool of the output server was removed "
		    "or damaged: compare the data on both sides (e.g. with "
		    "sha256sum), send it again if needed, and keep both "
		    "logs to report the incident.",
	},
	[MSG_TS_LOST_POLL] = {
		.name = "TS_LOST_POLL", .code = "TS", .number = 18,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Lost POLL n",
		.fmt = "Lost POLL %llu",
		.meaning = "Transaction log test item n has not been "
		    "received by the input server in time.",
		.action = "Usually a large transaction log queue: wait for "
		    "the next poll. If it repeats, see \"Transaction logger "
		    "problem. Lost poll.\" below.",
	},
	[MSG_TS_MALLOC_ERR] = {
		.name = "TS_MALLOC_ERR", .code = "TS", .number = 19,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Malloc err=n",
		.fmt = "Malloc err=%d",
		.meaning = "The malloc() system call failed; n is the errno "
		    "value (12, ENOMEM). The server could not obtain memory "
		    "for its buffers and stops.",
		.action = "Free memory on the machine, or raise the memory "
		    "limit of the server (MemoryMax= in the systemd unit, "
		    "ulimit -v), then start it again.",
	},
	[MSG_TS_NREAD_ERR] = {
		.name = "TS_NREAD_ERR", .code = "TS", .number = 20,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Nread err=n",
		.fmt = "Nread err=%d",
		.meaning = "Network read error; n is the errno value (104, "
		    "ECONNRESET: the peer reset the connection; 110, "
		    "ETIMEDOUT: the peer stopped answering). The connection "
		    "is closed and the servers connect again.",
		.action = "None if it is isolated. If it repeats, check the "
		    "network between the machines and the log of the other "
		    "server.",
	},
	[MSG_TS_NREAD] = {
		.name = "TS_NREAD", .code = "TS", .number = 21,
		.severity = LOG_DEBUG, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_VERBOSE,
		.text = "Nread n xxxxx",
		.fmt = "Nread %zu %s",
		.meaning = "Network read: one message was received; n is the "
		    "message length, xxxxx a hex trace of its first bytes. "
		    "Recorded only with the (V option.",
		.action = "None: a trace for diagnosis. Start the server "
		    "without the (V option to stop recording it.",
	},
	[MSG_TS_NWRIT_ERR] = {
		.name = "TS_NWRIT_ERR", .code = "TS", .number = 22,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Nwrit err=n",
		.fmt = "Nwrit err=%d",
		.meaning = "Network write error; n is the errno value (32, "
		    "EPIPE, or 104, ECONNRESET: the peer closed the "
		    "connection). The connection is closed, the servers "
		    "connect again and the unacknowledged messages are "
		    "sent again.",
		.action = "None if it is isolated. If it repeats, check the "
		    "network between the machines and the log of the other "
		    "server.",
	},
	[MSG_TS_NWRIT] = {
		.name = "TS_NWRIT", .code = "TS", .number = 23,
		.severity = LOG_DEBUG, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_VERBOSE,
		.text = "Nwrit n xxxxx",
		.fmt = "Nwrit %zu %s",
		.meaning = "Network write: one message was sent; n is the "
		    "message length, xxxxx a hex trace of its first bytes. "
		    "Recorded only with the (V option.",
		.action = "None: a trace for diagnosis. Start the server "
		    "without the (V option to stop recording it.",
	},
	[MSG_TS_NWRIT_TRUNC] = {
		.name = "TS_NWRIT_TRUNC", .code = "TS", .number = 24,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Nwrit trunc=n",
		.fmt = "Nwrit trunc=%zu",
		.meaning = "Network write truncated: the connection failed "
		    "after only part of a message was sent; n is the "
		    "message length. The connection is reset and the "
		    "message sent again.",
		.action = "None if it is isolated. If it repeats, check the "
		    "network between the machines.",
	},
	[MSG_TS_OPEN_PIPE] = {
		.name = "TS_OPEN_PIPE", .code = "TS", .number = 25,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Open pipe",
		.fmt = "Open pipe",
		.meaning = "The server waits for the tape process to open "
		    "the pipe. This is the quiescent state of both servers "
		    "when no process has the pipe open.",
		.action = "None. If data is expected, start the process that "
		    "writes the pipe (output side) or reads it (input "
		    "side).",
	},
	[MSG_TS_PCLEAR_ERR] = {
		.name = "TS_PCLEAR_ERR", .code = "TS", .number = 26,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Pclear err=n",
		.fmt = "Pclear err=%d",
		.meaning = "Error while attempting to purge the pipe at "
		    "start-up, or while saving what was drained into "
		    "ts.log,backup; n is the errno value.",
		.action = "Check that the pipe is a FIFO readable by the "
		    "server's user (ls -l) and that the home has free "
		    "space; then drain it with tape-socket drain.",
	},
	[MSG_TS_PEOF_ERR] = {
		.name = "TS_PEOF_ERR", .code = "TS", .number = 27,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "PEOF err=n",
		.fmt = "PEOF err=%d",
		.meaning = "The input server failed to write an end-of-file "
		    "marker in the pipe: closing its end of the pipe at the "
		    "end of a tape failed; n is the errno value.",
		.action = "The reading process may still wait for data: "
		    "check it, and stop it and start it again if needed.",
	},
	[MSG_TS_POPEN_ERR] = {
		.name = "TS_POPEN_ERR", .code = "TS", .number = 28,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Popen err=n",
		.fmt = "Popen err=%d",
		.meaning = "The open() of the pipe failed; n is the errno "
		    "value (2, ENOENT: the pipe does not exist; 13, EACCES: "
		    "no permission). The server stops.",
		.action = "Create the pipe with mkfifo(1) and give the "
		    "server's user read and write permission on it, or name "
		    "the right one with setarg pipe=; then start the server "
		    "again.",
	},
	[MSG_TS_PREAD_ERR] = {
		.name = "TS_PREAD_ERR", .code = "TS", .number = 29,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Pread err=n",
		.fmt = "Pread err=%d",
		.meaning = "Pipe read error; n is the errno value.",
		.action = "Check the pipe (ls -l) and the process writing "
		    "it; 5 (EIO) on a raw device means a media error.",
	},
	[MSG_TS_PREAD] = {
		.name = "TS_PREAD", .code = "TS", .number = 30,
		.severity = LOG_DEBUG, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_VERBOSE,
		.text = "Pread n xxxxx",
		.fmt = "Pread %zu %s",
		.meaning = "Pipe read: one block was read from the pipe; n "
		    "is the block length, xxxxx a hex trace of its first "
		    "bytes. Recorded only with the (V option.",
		.action = "None: a trace for diagnosis. Start the server "
		    "without the (V option to stop recording it.",
	},
	[MSG_TS_PREAD_TRUNC] = {
		.name = "TS_PREAD_TRUNC", .code = "TS", .number = 31,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Pread trunc=n",
		.fmt = "Pread trunc=%zu",
		.meaning = "Pipe read truncated: the tape process closed the "
		    "pipe in the middle of a block; n is the length read. "
		    "What was read is sent.",
		.action = "Check that the tape process ended normally.",
	},
	[MSG_TS_PWRIT_ERR] = {
		.name = "TS_PWRIT_ERR", .code = "TS", .number = 32,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Pwrit err=n",
		.fmt = "Pwrit err=%d",
		.meaning = "Pipe write error; n is the errno value. The "
		    "block is kept and written again.",
		.action = "Check the pipe (ls -l) and the process reading "
		    "it; 28 (ENOSPC) or 5 (EIO) on a device means the "
		    "device is full or failing.",
	},
	[MSG_TS_PWRIT] = {
		.name = "TS_PWRIT", .code = "TS", .number = 33,
		.severity = LOG_DEBUG, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_VERBOSE,
		.text = "Pwrit n xxxxx",
		.fmt = "Pwrit %zu %s",
		.meaning = "Pipe write: one block was written into the pipe; "
		    "n is the block length, xxxxx a hex trace of its first "
		    "bytes. Recorded only with the (V option.",
		.action = "None: a trace for diagnosis. Start the server "
		    "without the (V option to stop recording it.",
	},
	[MSG_TS_PWRIT_TRUNC] = {
		.name = "TS_PWRIT_TRUNC", .code = "TS", .number = 34,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Pwrit trunc=n",
		.fmt = "Pwrit trunc=%zu",
		.meaning = "Pipe write truncated: only part of a block was "
		    "written into the pipe (the reader closed it); n is the "
		    "block length. The rest is written when a reader opens "
		    "the pipe again.",
		.action = "Check the process reading the pipe and start it "
		    "again if it ended.",
	},
	[MSG_TS_RESYNC] = {
		.name = "TS_RESYNC", .code = "TS", .number = 35,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Re-sync n",
		.fmt = "Re-sync %llu",
		.meaning = "The input server received a SYNC message from "
		    "the output server; n is the new starting message "
		    "number.",
		.action = "None if it follows a restart or a drain of the "
		    "output server. Otherwise read the previous trace "
		    "entries for the cause.",
	},
	[MSG_TS_SEND_RESYNC] = {
		.name = "TS_SEND_RESYNC", .code = "TS", .number = 36,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Send resync",
		.fmt = "Send resync",
		.meaning = "The output server was asked to send a sync "
		    "message.",
		.action = "None.",
	},
	[MSG_TS_REMOTE_SHTDWN] = {
		.name = "TS_REMOTE_SHTDWN", .code = "TS", .number = 37,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Remote shtdwn",
		.fmt = "Remote shtdwn",
		.meaning = "The input server received a request to stop "
		    "from the output server (tape-socket shutdown, or check "
		    "cmd=shtdwn).",
		.action = "None. Start the input server again when needed.",
	},
	[MSG_TS_RUNNING] = {
		.name = "TS_RUNNING", .code = "TS", .number = 38,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_NOPERM,
		.text = "Running",
		.fmt = "Running",
		.meaning = "The server is running. This status is stored "
		    "every 5 minutes on a busy system. It is not stored in "
		    "the permanent log.",
		.action = "None.",
	},
	[MSG_TS_SENT_POLL] = {
		.name = "TS_SENT_POLL", .code = "TS", .number = 39,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Sent POLL",
		.fmt = "Sent POLL",
		.meaning = "A transaction log test item has been sent to "
		    "the input server.",
		.action = "None.",
	},
	[MSG_TS_SEQ_ERROR] = {
		.name = "TS_SEQ_ERROR", .code = "TS", .number = 40,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Seq error n",
		.fmt = "Seq error %llu",
		.meaning = "A message was received twice; n is the old "
		    "message number. The message is discarded: nothing is "
		    "written twice into the pipe.",
		.action = "None: it follows a resend after a reconnection.",
	},
	[MSG_TS_STARTED] = {
		.name = "TS_STARTED", .code = "TS", .number = 41,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Started",
		.fmt = "Started",
		.meaning = "The server is started.",
		.action = "None.",
	},
	[MSG_TS_STOP_ON_REQ] = {
		.name = "TS_STOP_ON_REQ", .code = "TS", .number = 42,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Stop on req",
		.fmt = "Stop on req",
		.meaning = "The server stopped because of a 'tape-socket "
		    "stop' command (or stopall, or shutdown).",
		.action = "None.",
	},
	[MSG_TS_STOP_REFUSED] = {
		.name = "TS_STOP_REFUSED", .code = "TS", .number = 43,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Stop refused-Txlog up",
		.fmt = "Stop refused-Txlog up",
		.meaning = "A request to stop the input server was refused "
		    "because the transaction logger is still active.",
		.action = "Stop the output server first (or use tape-socket "
		    "shutdown on the sending machine). To stop the input "
		    "server anyway, repeat the stop request.",
	},
	[MSG_TS_STOPPED] = {
		.name = "TS_STOPPED", .code = "TS", .number = 44,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Stopped",
		.fmt = "Stopped",
		.meaning = "The server stopped by itself, not on request. "
		    "The cause of the termination is in a previous trace "
		    "entry.",
		.action = "Read the previous entries (tape-socket status, or "
		    "ts.log,log in the home), correct the cause, and start "
		    "the server again.",
	},
	[MSG_TS_SOCKET_ERR] = {
		.name = "TS_SOCKET_ERR", .code = "TS", .number = 45,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Socket err=n",
		.fmt = "Socket err=%d",
		.meaning = "The socket() system call failed; n is the errno "
		    "value. The server stops.",
		.action = "24 (EMFILE) or 23 (ENFILE): raise the open file "
		    "limit (ulimit -n, LimitNOFILE=). 97 (EAFNOSUPPORT): the "
		    "address family of host= is not available on this "
		    "machine (IPv6 disabled?). Then start the server again.",
	},
	[MSG_TS_TLOG_NOT_OFF] = {
		.name = "TS_TLOG_NOT_OFF", .code = "TS", .number = 46,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "TLOG not off",
		.fmt = "TLOG not off",
		.meaning = "The input server failed to abort the transaction "
		    "restore process following a request to stop.",
		.action = "Find the transaction restore process (ps, its "
		    "log) and stop it by hand; the pipe may have to be "
		    "drained before the next start.",
	},
	[MSG_TS_TLOG_RESTARTED] = {
		.name = "TS_TLOG_RESTARTED", .code = "TS", .number = 47,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "TLOG Restarted",
		.fmt = "TLOG Restarted",
		.meaning = "The input server restarted the transaction "
		    "restore process following a request from the remote "
		    "output server.",
		.action = "None.",
	},
	[MSG_TS_TLOG_TERMINATED] = {
		.name = "TS_TLOG_TERMINATED", .code = "TS", .number = 48,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "TLOG Terminated",
		.fmt = "TLOG Terminated",
		.meaning = "The input server aborted the transaction restore "
		    "process following a request to stop.",
		.action = "None.",
	},
	[MSG_TS_TOO_MANY_DISC] = {
		.name = "TS_TOO_MANY_DISC", .code = "TS", .number = 49,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Too many disc",
		.fmt = "Too many disc",
		.meaning = "The server detected more network disconnections "
		    "than ndisc allows and stopped.",
		.action = "Find why the connection breaks (Nread err and "
		    "Nwrit err entries, the network); raise the limit with "
		    "setarg ndisc= (0 means no limit), then start the server "
		    "again.",
	},
	[MSG_TS_TOO_MANY_ERRORS] = {
		.name = "TS_TOO_MANY_ERRORS", .code = "TS", .number = 50,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Too many errors",
		.fmt = "Too many errors",
		.meaning = "The server detected too many errors in a row and "
		    "stopped.",
		.action = "Read the previous trace entries for the errors, "
		    "correct their cause, and start the server again.",
	},
	[MSG_TS_TOTAL_ON] = {
		.name = "TS_TOTAL_ON", .code = "TS", .number = 51,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Total on dd/mm",
		.fmt = "Total on %02d/%02d %llu KB",
		.meaning = "Total number of kilobytes transferred on day "
		    "dd/mm (day/month), counted from the first message "
		    "logged that day.",
		.action = "None.",
	},
	[MSG_TS_TXLOG_OK] = {
		.name = "TS_TXLOG_OK", .code = "TS", .number = 52,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_NOPERM,
		.text = "Txlog OK",
		.fmt = "Txlog OK",
		.meaning = "A transaction log test item has been received by "
		    "the input server. This message is not stored in the "
		    "permanent log.",
		.action = "None.",
	},
	[MSG_TS_UNEXPECTED_MSG] = {
		.name = "TS_UNEXPECTED_MSG", .code = "TS", .number = 53,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Unexpected msg 'X'",
		.fmt = "Unexpected msg '%s'",
		.meaning = "The data received on the network is not a "
		    "tape-socket message; X is a hex dump of its first "
		    "bytes. The connection is closed.",
		.action = "Something other than a tape-socket output server "
		    "connects to the port (a scanner, another program "
		    "configured with this host and port). Check host= and "
		    "port= on the output server, or use a port no other "
		    "program uses.",
	},
	[MSG_TS_UNKNOWN_CMD] = {
		.name = "TS_UNKNOWN_CMD", .code = "TS", .number = 54,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Unknown cmd 'X'",
		.fmt = "Unknown cmd '%s'",
		.meaning = "The server received an unknown command X, on its "
		    "control socket or in a check request.",
		.action = "Check the command against the check commands in "
		    "tape-socket(1), and that the command line and both "
		    "servers run the same version (tape-socket version).",
	},
	[MSG_TS_WAIT_ACK] = {
		.name = "TS_WAIT_ACK", .code = "TS", .number = 55,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Wait ack",
		.fmt = "Wait ack",
		.meaning = "The output server is waiting for an "
		    "acknowledgement (ACK) from the input server.",
		.action = "None. If it lasts, see ACK timeout.",
	},
	[MSG_TS_WAIT_CONNECT] = {
		.name = "TS_WAIT_CONNECT", .code = "TS", .number = 56,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.flags = MSGF_SEED,
		.text = "Wait connect",
		.fmt = "Wait connect",
		.meaning = "The input server waits for an incoming call.",
		.action = "None. If it lasts, start the output server on the "
		    "sending machine and check its host= and port=.",
	},

	/* SRV: the servers' own traces, not in the reference manual. */
	[MSG_SRV_CLOCK_OFFSET] = {
		.name = "SRV_CLOCK_OFFSET", .code = "SRV", .number = 1,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.text = "Clock of peer: offset s",
		.fmt = "Clock of %s: offset %.3f s",
		.meaning = "At connection, the peer's clock differs from this "
		    "machine's by the given number of seconds (positive: the "
		    "peer is ahead). The servers never set the clock.",
		.action = "None while small. Keep both machines synchronised "
		    "with NTP so that traces compare.",
	},
	[MSG_SRV_CLOCK_SKEW] = {
		.name = "SRV_CLOCK_SKEW", .code = "SRV", .number = 2,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Clock of peer: offset s exceeds 5 s",
		.fmt = "Clock of %s: offset %.3f s exceeds 5 s",
		.meaning = "The clocks of the two machines differ by more than "
		    "5 seconds: the traces of the two sides do not line up.",
		.action = "Synchronise the clocks (chrony or systemd-timesyncd "
		    "on both machines). Start with (S to skip this check.",
	},
	[MSG_SRV_STREAM_MISMATCH] = {
		.name = "SRV_STREAM_MISMATCH", .code = "SRV", .number = 3,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Stream mismatch: mine X, peer Y",
		.fmt = "Stream mismatch: mine %s, peer %s",
		.meaning = "The output server that called belongs to another "
		    "stream than the one this input server has written into "
		    "its pipe. Its data is refused: two streams never mix.",
		.action = "Check which output server calls this port. To start "
		    "a new stream deliberately, stop the input server and "
		    "remove <home>/<server>.state on the receiver.",
	},
	[MSG_SRV_PEER_ERROR] = {
		.name = "SRV_PEER_ERROR", .code = "SRV", .number = 4,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Peer error 'X'",
		.fmt = "Peer error '%s'",
		.meaning = "The other server refused this one and said why "
		    "before closing the connection.",
		.action = "Read the reason, and the status of the other "
		    "server, and correct the cause it names.",
	},
	[MSG_SRV_STOP_PENDING] = {
		.name = "SRV_STOP_PENDING", .code = "SRV", .number = 5,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Stopped with n message(s) pending: a to b, fate",
		.fmt = "Stopped with %llu message(s) pending: %llu to %llu, %s",
		.meaning = "The server stopped before every message it held "
		    "was acknowledged (output) or written into its pipe "
		    "(input), within the wait of the stop: the stop did not "
		    "complete cleanly. The text gives the numbers of the "
		    "messages pending and what becomes of them.",
		.action = "Check the other server and the reader of the pipe, "
		    "then start the server again: an output server resends "
		    "what was not acknowledged.",
	},
	[MSG_SRV_START_FAILED] = {
		.name = "SRV_START_FAILED", .code = "SRV", .number = 6,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Start failed: reason",
		.fmt = "Start failed: %s",
		.meaning = "The server could not start; the reason follows.",
		.action = "Correct what the reason names (pipe, port, "
		    "configuration) and start the server again.",
	},

	[MSG_SRV_CONTROL_REFUSED] = {
		.name = "SRV_CONTROL_REFUSED", .code = "SRV", .number = 7,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Control refused: uid n pid n",
		.fmt = "Control refused: uid %u pid %ld",
		.meaning = "A process asked this server for a query, stop or "
		    "trace change through its control socket, but its user is "
		    "not root, not the owner of the home and not in its "
		    "group. Nothing was done.",
		.action = "Run tape-socket as root or as the owner of the "
		    "state home.",
	},
	[MSG_SRV_PEER_SILENT] = {
		.name = "SRV_PEER_SILENT", .code = "SRV", .number = 8,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Peer silent for n s",
		.fmt = "Peer silent for %d s",
		.meaning = "Nothing came from the other server for that long, "
		    "not even an answer to a heartbeat: it is stopped, hung, "
		    "or the network drops the traffic. The connection is "
		    "closed; the output server calls again.",
		.action = "Check the other server (status, query) and the "
		    "network path between the machines.",
	},
	[MSG_SRV_RESUME_WRITE] = {
		.name = "SRV_RESUME_WRITE", .code = "SRV", .number = 9,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Write of msg n was under way (n bytes recorded): it "
		    "may reach the reader partly twice",
		.fmt = "Write of msg %llu was under way (%llu bytes recorded): "
		    "it may reach the reader partly twice",
		.meaning = "The input server ended (killed, crashed) while it "
		    "was writing message n into its pipe, after the given "
		    "number of its bytes were recorded as written. A pipe "
		    "write and its record cannot be one atomic step: the "
		    "bytes of the last write() before the end may have reached "
		    "the pipe without being recorded. The server resumes the "
		    "message after the recorded bytes, so at most that one "
		    "write of message n reaches the reader twice; every other "
		    "message is written exactly once.",
		.action = "If the reader cannot tolerate a repeated piece, "
		    "check the data of message n at the reader (the block that "
		    "was being restored when the server ended).",
	},
	[MSG_SRV_LOST_STOP] = {
		.name = "SRV_LOST_STOP", .code = "SRV", .number = 10,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "Messages n to m missing: stopped (lost=stop)",
		.fmt = "Messages %llu to %llu missing: stopped (lost=stop)",
		.meaning = "The output server sent a message number beyond the "
		    "next one expected: the messages n to m never reached this "
		    "input server (the sender's spool or state was lost or "
		    "reset). With lost=stop the input server writes nothing "
		    "more and stops with an error (S = E).",
		.action = "Find out why the sender lost them (its log). To go "
		    "on, send the missing data again by other means, or accept "
		    "the gap: set lost=accept (tape-socket setarg lost=accept) "
		    "or remove the receiver's state file, then start the input "
		    "server again.",
	},
	[MSG_SRV_LOST_REFUSED] = {
		.name = "SRV_LOST_REFUSED", .code = "SRV", .number = 11,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Messages n to m missing: refused (lost=refuse)",
		.fmt = "Messages %llu to %llu missing: refused (lost=refuse)",
		.meaning = "The output server sent a message number beyond the "
		    "next one expected. With lost=refuse the message is "
		    "refused, the connection closed, and the input server goes "
		    "on listening: the output server may send the missing ones "
		    "at its next call.",
		.action = "If it repeats, the sender does not have the missing "
		    "messages any more: see SRV_LOST_STOP.",
	},
	[MSG_SRV_LOST_ACCEPTED] = {
		.name = "SRV_LOST_ACCEPTED", .code = "SRV", .number = 12,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Messages n to m missing: accepted as lost (lost=accept)",
		.fmt = "Messages %llu to %llu missing: accepted as lost "
		    "(lost=accept)",
		.meaning = "The output server sent a message number beyond the "
		    "next one expected. With lost=accept the jump is accepted: "
		    "the messages n to m are counted as lost (query: Lost) and "
		    "the stream goes on from the message received.",
		.action = "The reader's data has a hole there: check it, and "
		    "send the missing data again by other means if needed.",
	},
	[MSG_SRV_STOP_FORCED] = {
		.name = "SRV_STOP_FORCED", .code = "SRV", .number = 13,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Stop forced with n message(s) pending: a to b, fate",
		.fmt = "Stop forced with %llu message(s) pending: %llu to %llu, "
		    "%s",
		.meaning = "The operator stopped the server without waiting "
		    "(wait=0) while it held messages not yet acknowledged "
		    "(output) or not yet written into its pipe (input); the "
		    "end of the text says what becomes of them.",
		.action = "None if the stop was meant so. Start the server "
		    "again to deliver what was pending.",
	},
	[MSG_SRV_STATE_DAMAGED] = {
		.name = "SRV_STATE_DAMAGED", .code = "SRV", .number = 14,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "State file F is damaged: reason",
		.fmt = "State file %s is damaged: %s; restore it, or remove it "
		    "to start a new stream",
		.meaning = "The server's state file (stream identity, last "
		    "message written) cannot be read: neither of its two "
		    "records is valid. The server does not start, since it "
		    "would not know where the stream stands.",
		.action = "Restore the file from a backup if you have one. "
		    "Otherwise remove it: the input server then adopts the "
		    "next stream that calls and starts counting from its "
		    "first message (stop the output server and remove its "
		    "state too, or data may be written twice).",
	},
	[MSG_SRV_STATE_WRITE_ERR] = {
		.name = "SRV_STATE_WRITE_ERR", .code = "SRV", .number = 15,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "State file F: reason",
		.fmt = "State file %s: %s",
		.meaning = "The server could not record its state (write or "
		    "fsync failed). It cannot acknowledge anything it cannot "
		    "record, so it stops with an error.",
		.action = "Check the file system of the home (space, errors in "
		    "the kernel log), then start the server again.",
	},
	[MSG_SRV_STATE_CONVERTED] = {
		.name = "SRV_STATE_CONVERTED", .code = "SRV", .number = 16,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "State file F converted from the text format",
		.fmt = "State file %s converted from the text format",
		.meaning = "The state file was written by an earlier version "
		    "(lines 'stream' and 'last'); it was converted to the "
		    "crash-safe record format, keeping its values.",
		.action = "None.",
	},
	[MSG_SRV_LISTEN_ADDR] = {
		.name = "SRV_LISTEN_ADDR", .code = "SRV", .number = 17,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "Listen address A: reason",
		.fmt = "Listen address %s: %s",
		.meaning = "The input server cannot use the listen= address: "
		    "it does not resolve, or is not an address of this "
		    "machine.",
		.action = "Set listen= to an address of this machine (ip addr), "
		    "or to * for every address, and start the server again.",
	},
	[MSG_SRV_READER_KEEPER_HELD] = {
		.name = "SRV_READER_KEEPER_HELD", .code = "SRV", .number = 18,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "Pipe held by keeper n: the tape file goes on",
		.fmt = "Pipe held by keeper %ld: the tape file goes on",
		.meaning = "The input server started again in the middle of a "
		    "tape file. Its keeper, process n, held the pipe open "
		    "for writing while it was down, so the reader saw no "
		    "end of file; the server writes the rest of the file "
		    "into the same reader.",
		.action = "None.",
	},
	[MSG_SRV_READER_KEEPER_FAILED] = {
		.name = "SRV_READER_KEEPER_FAILED", .code = "SRV",
		.number = 19,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Reader keeper not started: X",
		.fmt = "Reader keeper not started: %s",
		.meaning = "The process that holds the input pipe open for "
		    "writing across restarts of the input server could not "
		    "be started. The server writes this tape file, but if "
		    "it stops or dies before the tape mark, the reader sees "
		    "an end of file in the middle of the file.",
		.action = "Fix what X says (process limits, the tapesockd "
		    "program); the next tape file tries again. Do not stop "
		    "the input server before this tape file has ended.",
	},
	[MSG_SRV_READER_WAIT] = {
		.name = "SRV_READER_WAIT", .code = "SRV", .number = 20,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "Reader has not closed the pipe since tape mark n: "
		    "the next tape file waits",
		.fmt = "Reader has not closed the pipe since tape mark %llu: "
		    "the next tape file waits",
		.meaning = "The reader was given the end of the last tape "
		    "file (message n) but still has the pipe open. The next "
		    "tape file is not written until it closes, however long "
		    "that takes, so that two tape files never reach one "
		    "reader as one; meanwhile query shows Status 'Wait "
		    "reader close', and the output server's spool holds "
		    "what follows.",
		.action = "None if the reader is slow. A reader that never "
		    "closes (it hangs, or keeps the pipe open after the end "
		    "of file) holds the stream up: end it.",
	},
	[MSG_SRV_READER_CLOSED] = {
		.name = "SRV_READER_CLOSED", .code = "SRV", .number = 21,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.text = "Reader closed the pipe after s s: the next tape file "
		    "goes on",
		.fmt = "Reader closed the pipe after %.1f s: the next tape "
		    "file goes on",
		.meaning = "The reader that held the pipe open after a tape "
		    "mark (see 'Reader has not closed the pipe') has closed "
		    "it, s seconds after the mark; the next tape file goes "
		    "to the next reader.",
		.action = "None.",
	},
	/*
	 * SPL: the output server's durable spool and the keeper process
	 * that holds its pipe open.
	 */
	[MSG_SPL_RECOVERED] = {
		.name = "SPL_RECOVERED", .code = "SPL", .number = 1,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "Spool: msg n (b bytes) completed after a crash",
		.fmt = "Spool: msg %llu (%llu bytes) completed after a crash",
		.meaning = "The output server was killed after it took a "
		    "block from its pipe into the spool and before it "
		    "recorded it. The machine did not restart, so the bytes "
		    "are the ones taken: the record is completed and sent as "
		    "message n. Nothing is lost.",
		.action = "None.",
	},
	[MSG_SPL_TAIL_LOST] = {
		.name = "SPL_TAIL_LOST", .code = "SPL", .number = 2,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Spool: tail from msg n lost (b bytes), not replayed",
		.fmt = "Spool: tail from msg %llu lost (%llu bytes), not "
		    "replayed",
		.meaning = "At start the spool ended with records that do not "
		    "read back whole: the machine crashed before they "
		    "reached the disk, or the files were damaged. They are "
		    "cut off and never sent. With sync=ON they were never "
		    "sent either, and the tape process lost them with the "
		    "machine; with sync=OFF some may have been delivered.",
		.action = "Check the receiving side for the messages from n "
		    "on. If the input server then refuses the stream (Bad "
		    "msg num), repair it with tape-socket reset or resync; "
		    "use sync=ON where a machine crash must lose nothing sent.",
	},
	[MSG_SPL_ERROR] = {
		.name = "SPL_ERROR", .code = "SPL", .number = 3,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Spool error: X",
		.fmt = "Spool error: %s",
		.meaning = "The spool could not be written or read back (disk "
		    "full, I/O error, a damaged record). The output server "
		    "stops rather than send something it cannot vouch for; "
		    "what the spool holds stays there.",
		.action = "Fix the cause X names (free space in the home, "
		    "check the disk), then start the server again.",
	},
	[MSG_SPL_FULL] = {
		.name = "SPL_FULL", .code = "SPL", .number = 4,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Spool full (X): pipe reading paused",
		.fmt = "Spool full (%s): pipe reading paused",
		.meaning = "The spool holds spoolmax bytes not yet "
		    "acknowledged. The output server stops reading its pipe "
		    "until the input server acknowledges more; the tape "
		    "process blocks. Nothing is dropped.",
		.action = "Bring the input server and the network back, or "
		    "raise spoolmax (tape-socket setarg spoolmax=...).",
	},
	[MSG_SPL_ROOM] = {
		.name = "SPL_ROOM", .code = "SPL", .number = 5,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "Spool has room: pipe reading resumed",
		.fmt = "Spool has room: pipe reading resumed",
		.meaning = "Acknowledgements made room in a full spool; the "
		    "output server reads its pipe again.",
		.action = "None.",
	},
	[MSG_SPL_KEEPER] = {
		.name = "SPL_KEEPER", .code = "SPL", .number = 6,
		.severity = LOG_INFO, .type = MT_NOTICE,
		.text = "Keeper n holds the pipe",
		.fmt = "Keeper %ld holds the pipe",
		.meaning = "Process n keeps the output pipe open for reading "
		    "while the output server is down or restarting, so the "
		    "tape process never gets a broken pipe; it leaves when "
		    "the server is gone, the pipe is empty and nobody has it "
		    "open for writing.",
		.action = "None.",
	},
	[MSG_SPL_KEEPER_HELD] = {
		.name = "SPL_KEEPER_HELD", .code = "SPL", .number = 7,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "Pipe held by keeper n: not cleared",
		.fmt = "Pipe held by keeper %ld: not cleared",
		.meaning = "The keeper kept the pipe open since the last run: "
		    "what waits in it was written by the tape process for "
		    "this stream, so the start does not drain it (as if (C "
		    "was given).",
		.action = "None.",
	},
	[MSG_SPL_KEEPER_FAILED] = {
		.name = "SPL_KEEPER_FAILED", .code = "SPL", .number = 8,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Keeper not started: X",
		.fmt = "Keeper not started: %s",
		.meaning = "The process that holds the pipe open across "
		    "restarts could not be started. The server runs, but a "
		    "tape process writing the pipe while it is down gets a "
		    "broken pipe.",
		.action = "Fix what X says (process limits, the tapesockd "
		    "program), then restart the output server.",
	},
	[MSG_SPL_DISCARDED] = {
		.name = "SPL_DISCARDED", .code = "SPL", .number = 9,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Stream reset: n message(s), b bytes discarded",
		.fmt = "Stream reset: %llu message(s), %llu bytes discarded",
		.meaning = "The operator reset the server's stream (tape-socket "
		    "reset): its numbering starts again under a new identity "
		    "and the messages it held, not yet delivered, are gone.",
		.action = "Reset the other server of the pair too, so that it "
		    "accepts the new stream.",
	},
	[MSG_SPL_AHEAD] = {
		.name = "SPL_AHEAD", .code = "SPL", .number = 10,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "Receiver ahead at msg n after a lost spool tail",
		.fmt = "Receiver ahead at msg %llu after a lost spool tail",
		.meaning = "After a machine crash cut the spool's tail, the "
		    "input server had already written messages up to n. "
		    "They were delivered: the output server numbers on from "
		    "n + 1.",
		.action = "None; see the SPL_TAIL_LOST trace before it.",
	},
	/*
	 * SA: System Administrator notifications, sent to the notify list,
	 * in the order of the seed's "System Administrator Messages".
	 */
	[MSG_SA_COMM_REESTABLISHED] = {
		.name = "SA_COMM_REESTABLISHED", .code = "SA", .number = 1,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_ONCE,
		.text = "Communication to host is re-established.",
		.fmt = "Communication to host is re-established.",
		.meaning = "The output server succeeded in re-establishing "
		    "the connection. This message is issued only once.",
		.action = "None.",
	},
	[MSG_SA_IN_STOPPED_ERROR] = {
		.name = "SA_IN_STOPPED_ERROR", .code = "SA", .number = 2,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Input Server stopped due to an error.",
		.fmt = "Input Server stopped due to an error.",
		.meaning = "The input server encountered a fatal error and "
		    "stopped. This is likely to be due to a serious "
		    "condition: the pipe does not exist or does not have "
		    "the proper access rights, the TCP port is already in "
		    "use, etc.",
		.action = "Use tape-socket status on the receiving machine "
		    "to find the last error, correct it, and start the "
		    "input server again.",
	},
	[MSG_SA_NET_BACK] = {
		.name = "SA_NET_BACK", .code = "SA", .number = 3,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_ONCE,
		.text = "Network Back On Line.",
		.fmt = "Network Back On Line.",
		.meaning = "After a network error was detected, the "
		    "communication was re-established. This message is "
		    "sent only once, to indicate the end of a problem.",
		.action = "None.",
	},
	[MSG_SA_NET_ERROR] = {
		.name = "SA_NET_ERROR", .code = "SA", .number = 4,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED | MSGF_ONCE,
		.text = "Network Error. Check Error Log.",
		.fmt = "Network Error. Check Error Log.",
		.meaning = "A network error was detected. This message is "
		    "sent only once, the first time an error is detected.",
		.action = "Check the error log (tape-socket status, "
		    "ts.log,log in the home) for the cause of the failure. "
		    "Check that the input server is up (tape-socket check "
		    "cmd=query). Use `ping host` to make sure the remote "
		    "host is reachable.",
	},
	[MSG_SA_NET_DISCONNECTED] = {
		.name = "SA_NET_DISCONNECTED", .code = "SA", .number = 5,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED | MSGF_ONCE,
		.text = "Network is disconnected. Re-trying to call host",
		.fmt = "Network is disconnected. Re-trying to call host",
		.meaning = "The output server failed to establish or "
		    "re-establish the connection after three attempts. It "
		    "goes on calling. This message is issued only once.",
		.action = "Check the error log (tape-socket status, "
		    "ts.log,log in the home) for the cause of the failure. "
		    "Check that the input server is up. Use `ping host` to "
		    "make sure the remote host is reachable.",
	},
	[MSG_SA_OUT_STOPPED_ERROR] = {
		.name = "SA_OUT_STOPPED_ERROR", .code = "SA", .number = 6,
		.severity = LOG_ERR, .type = MT_FATAL,
		.flags = MSGF_SEED,
		.text = "Output Server stopped due to an error.",
		.fmt = "Output Server stopped due to an error.",
		.meaning = "The output server encountered a fatal error and "
		    "stopped.",
		.action = "Use tape-socket status to find the last error, "
		    "correct it, and start the output server again.",
	},
	[MSG_SA_TXLOG_NOT_SENT] = {
		.name = "SA_TXLOG_NOT_SENT", .code = "SA", .number = 7,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Transaction logger problem. Test item not sent.",
		.fmt = "Transaction logger problem. Test item not sent.",
		.meaning = "The output server found that none of the "
		    "transaction log test items reached the remote system. "
		    "This is likely to be an indication of a serious "
		    "problem. The message is issued at every failed attempt "
		    "until a test succeeds.",
		.action = "Make sure the communication is up and that the "
		    "transaction logger is enqueuing transactions. If its "
		    "queue is large, the test items may still be in it; if "
		    "the queue is empty or small, check the transaction "
		    "logger (txlog). If the message becomes a nuisance, "
		    "change the polling period with setarg poll= (menu "
		    "\"Special Operations\", \"Change TX LOG polling\").",
	},
	[MSG_SA_TXLOG_LOST_POLL] = {
		.name = "SA_TXLOG_LOST_POLL", .code = "SA", .number = 8,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.flags = MSGF_SEED,
		.text = "Transaction logger problem. Lost poll.",
		.fmt = "Transaction logger problem. Lost poll.",
		.meaning = "The output server found that one of the "
		    "transaction log test items did not reach the remote "
		    "system, even though other test items did. This is "
		    "likely to be a temporary condition, due to a large "
		    "queue. The message is issued at every failed attempt "
		    "until a test succeeds.",
		.action = "Usually none: wait for the next poll. If the "
		    "message becomes a nuisance, change the polling period "
		    "with setarg poll= (menu \"Special Operations\", "
		    "\"Change TX LOG polling\").",
	},
	[MSG_SA_TXLOG_BACK] = {
		.name = "SA_TXLOG_BACK", .code = "SA", .number = 9,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.flags = MSGF_SEED | MSGF_ONCE,
		.text = "Transaction log back on line.",
		.fmt = "Transaction log back on line.",
		.meaning = "The transaction log test polling resumed its "
		    "normal operation after an incident was found by a "
		    "previous test. This message is issued only once, to "
		    "indicate the end of the problem.",
		.action = "None.",
	},
	[MSG_SA_TXLOG_NOT_ATTACHED] = {
		.name = "SA_TXLOG_NOT_ATTACHED", .code = "SA", .number = 10,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Transaction logger not attached to tape",
		.fmt = "Transaction logger not attached to tape",
		.meaning = "The transaction logger was detached from the "
		    "pipe without the output server being notified, "
		    "probably because it was stopped with the txlog "
		    "command instead of tape-socket stop or the menu.",
		.action = "Stop the output server and start it again: this "
		    "attaches the transaction logger to the pipe again.",
	},
	[MSG_SA_RESTORE_NOT_RESTARTED] = {
		.name = "SA_RESTORE_NOT_RESTARTED", .code = "SA", .number = 11,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Transaction Restore not Re-Started on Receiver.",
		.fmt = "Transaction Restore not Re-Started on Receiver.",
		.meaning = "The input server failed to restart the "
		    "transaction restore. The process doing the restore on "
		    "the receiving machine is probably waiting at a prompt, "
		    "most likely because the transaction logger was stopped "
		    "by other means than the tape-socket menu or command.",
		.action = "From the sending machine, send the command tlstrt "
		    "(tape-socket check cmd=tlstrt, or menu \"Special "
		    "Operations\", \"Send Command to Remote\"); if it "
		    "succeeds, attach the transaction logger to the pipe "
		    "again on the sending machine. If it fails, the "
		    "administrator must act on the receiving machine: answer "
		    "the question the restore process asks on its terminal "
		    "(e.g. mount the next volume, or end it if it aborted), "
		    "then start the input server again. The pipe may have "
		    "to be drained on the receiving machine first "
		    "(tape-socket drain).",
	},
	[MSG_SA_RESTORE_PROBLEM] = {
		.name = "SA_RESTORE_PROBLEM", .code = "SA", .number = 12,
		.severity = LOG_ERR, .type = MT_ERROR,
		.flags = MSGF_SEED,
		.text = "Transaction Restore problem. diagnostics",
		.fmt = "Transaction Restore problem. %s",
		.meaning = "The transaction restore on the receiving machine "
		    "is in an abnormal state; diagnostics says what was "
		    "found. The output server sends this message when a "
		    "transaction log poll failed and its attempt at "
		    "correcting the situation (check cmd=tlchk) failed too.",
		.action = "The administrator must act on the backup machine: "
		    "look at the restore process and its terminal, or use "
		    "the remote command execution (tape-socket check "
		    "cmd=...) to act on the transaction restore.",
	},

	/* TSD: daemon life cycle. */
	[MSG_TSD_DUPLICATE] = {
		.name = "TSD_DUPLICATE", .code = "TSD", .number = 1,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "Another copy of server 'name' is running (pid n)",
		.fmt = "Another copy of server '%s' is running (pid %ld)",
		.meaning = "A server was started, but the same server of "
		    "this home is already running as process n (it holds "
		    "the lock on the server's pid file). The new copy "
		    "exits; the running one is not disturbed.",
		.action = "None if the running server is the one wanted. "
		    "Otherwise stop it with tape-socket stop server=name "
		    "first, or give the new one its own home "
		    "(TAPESOCK_HOME).",
	},
	[MSG_TSD_PID_FILE_LOCK] = {
		.name = "TSD_PID_FILE_LOCK", .code = "TSD", .number = 2,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "Unable to lock PID file path: error-message",
		.fmt = "Unable to lock PID file %s: %s",
		.meaning = "The server failed to create or lock its pid "
		    "file, which prevents two copies of a server from "
		    "running at once. The server does not start.",
		.action = "Check that the home exists, belongs to the user "
		    "running the server and is writable (ls -ld), and that "
		    "its file system is not full or read-only.",
	},
	[MSG_TSD_PID_FILE_UPDATE] = {
		.name = "TSD_PID_FILE_UPDATE", .code = "TSD", .number = 3,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "Unable to update process PID file path: "
		    "error-message",
		.fmt = "Unable to update process PID file %s: %s",
		.meaning = "The server failed to write its process id into "
		    "its pid file, which the command line reads to reach "
		    "it. The server does not start.",
		.action = "Check that the home's file system is not full or "
		    "read-only (df, mount), then start the server again.",
	},
	[MSG_TSD_DAEMONIZE_FAILED] = {
		.name = "TSD_DAEMONIZE_FAILED", .code = "TSD", .number = 4,
		.severity = LOG_ERR, .type = MT_FATAL,
		.text = "Aborting, unable to run in the background as a "
		    "daemon: error-message",
		.fmt = "Aborting, unable to run in the background as a "
		    "daemon: %s",
		.meaning = "The server failed to create a copy of itself "
		    "running in the background (fork or setsid failed). It "
		    "does not start.",
		.action = "Usually the process limit (ulimit -u) or memory "
		    "is exhausted: free resources and start it again, or "
		    "run it in the foreground under systemd.",
	},

	/* CLI: command line usage and results. */
	[MSG_CLI_UNKNOWN_CMD] = {
		.name = "CLI_UNKNOWN_CMD", .code = "CLI", .number = 1,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "unknown command 'word'; run 'tape-socket --help' "
		    "for the list",
		.fmt = "unknown command '%s'; run 'tape-socket --help' for "
		    "the list",
		.meaning = "The first argument is neither a command nor one "
		    "of its abbreviations.",
		.action = "Use one of the commands listed by tape-socket "
		    "--help, or tape-socket(1).",
	},
	[MSG_CLI_BAD_ARG] = {
		.name = "CLI_BAD_ARG", .code = "CLI", .number = 2,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "'argument' is not keyword=value or (options; run "
		    "'tape-socket --help'",
		.fmt = "'%s' is not keyword=value or (options; run "
		    "'tape-socket --help'",
		.meaning = "An argument after the command is neither a "
		    "keyword=value statement nor a list of options after a "
		    "parenthesis.",
		.action = "Write arguments as keyword=value, quoting values "
		    "that contain spaces, and options as (cv.",
	},
	[MSG_CLI_UNKNOWN_KEYWORD] = {
		.name = "CLI_UNKNOWN_KEYWORD", .code = "CLI", .number = 3,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "unknown keyword 'word'; keywords are: list",
		.fmt = "unknown keyword '%s'; keywords are: %s",
		.meaning = "The keyword of a keyword=value statement is not "
		    "one of tape-socket's keywords.",
		.action = "Use one of the keywords listed in the message.",
	},
	[MSG_CLI_DUP_KEYWORD] = {
		.name = "CLI_DUP_KEYWORD", .code = "CLI", .number = 4,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "keyword 'keyword' given twice; give it once",
		.fmt = "keyword '%s' given twice; give it once",
		.meaning = "The same keyword appears twice on the command "
		    "line; tape-socket does not guess which one is meant.",
		.action = "Give each keyword once.",
	},
	[MSG_CLI_BAD_VALUE] = {
		.name = "CLI_BAD_VALUE", .code = "CLI", .number = 5,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "keyword=value: problem; allowed: allowed-values",
		.fmt = "%s=%s: %s; allowed: %s",
		.meaning = "The value given for a keyword is not valid; the "
		    "message says what is wrong and what is allowed. "
		    "Nothing was changed.",
		.action = "Give a value as the message says, or keyword=? "
		    "to be prompted with help.",
	},
	[MSG_CLI_KEYWORD_NOT_FOR_CMD] = {
		.name = "CLI_KEYWORD_NOT_FOR_CMD", .code = "CLI", .number = 6,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "keyword 'keyword' does not apply to command "
		    "'command'; it takes: list",
		.fmt = "keyword '%s' does not apply to command '%s'; it "
		    "takes: %s",
		.meaning = "The keyword exists but means nothing to this "
		    "command.",
		.action = "Remove it, or use only the keywords listed in the "
		    "message.",
	},
	[MSG_CLI_MISSING_KEYWORD] = {
		.name = "CLI_MISSING_KEYWORD", .code = "CLI", .number = 7,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "command: keyword keyword= is required; give "
		    "keyword=value or keyword=?",
		.fmt = "%s: keyword %s= is required; give %s=value or %s=?",
		.meaning = "The command needs this keyword and no value was "
		    "given (standard input is not a terminal, so it was not "
		    "prompted for).",
		.action = "Give keyword=value, or keyword=? to be prompted "
		    "for it.",
	},
	[MSG_CLI_UNKNOWN_OPTION] = {
		.name = "CLI_UNKNOWN_OPTION", .code = "CLI", .number = 8,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "unknown option 'c' in 'options'; options are C Q R "
		    "S V",
		.fmt = "unknown option '%c' in '%s'; options are C Q R S V",
		.meaning = "A letter after the parenthesis is not an option "
		    "of tape-socket.",
		.action = "Use only C (no clear), Q (quiet), R (running "
		    "only), S (no clock sync) and V (verbose), e.g. (cv.",
	},
	[MSG_CLI_NO_LAST_VALUE] = {
		.name = "CLI_NO_LAST_VALUE", .code = "CLI", .number = 9,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "keyword=.: no value was used last time for keyword; "
		    "give a value",
		.fmt = "%s=.: no value was used last time for %s; give a "
		    "value",
		.meaning = "keyword=. asks for the value used last time, but "
		    "this keyword has never been given a value in this "
		    "home.",
		.action = "Give the value itself once; later commands can "
		    "then use keyword=.",
	},
	[MSG_CLI_PROMPT_QUIT] = {
		.name = "CLI_PROMPT_QUIT", .code = "CLI", .number = 10,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "command: abandoned at the keyword= prompt; nothing "
		    "was changed",
		.fmt = "%s: abandoned at the %s= prompt; nothing was changed",
		.meaning = "q was answered at a prompt: the command was "
		    "abandoned before doing anything.",
		.action = "None. Run the command again to do it.",
	},
	[MSG_CLI_PROMPT_EOF] = {
		.name = "CLI_PROMPT_EOF", .code = "CLI", .number = 11,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "command: end of input at the keyword= prompt; "
		    "nothing was changed",
		.fmt = "%s: end of input at the %s= prompt; nothing was "
		    "changed",
		.meaning = "Standard input ended while tape-socket was "
		    "prompting for a value: the command was abandoned "
		    "before doing anything.",
		.action = "In scripts, give every value as keyword=value "
		    "instead of keyword=?.",
	},
	[MSG_CLI_SERVER_UNKNOWN] = {
		.name = "CLI_SERVER_UNKNOWN", .code = "CLI", .number = 12,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' is not set up in config-file; see "
		    "'tape-socket listserver'",
		.fmt = "server '%s' is not set up in %s; see 'tape-socket "
		    "listserver'",
		.meaning = "No server of that name exists in the "
		    "configuration of this home.",
		.action = "Use a name listed by tape-socket listserver, "
		    "check TAPESOCK_HOME, or create the server with "
		    "tape-socket setup.",
	},
	[MSG_CLI_SERVER_NOT_RUNNING] = {
		.name = "CLI_SERVER_NOT_RUNNING", .code = "CLI", .number = 13,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' is not running; start it with "
		    "'tape-socket start server=name'",
		.fmt = "server '%s' is not running; start it with "
		    "'tape-socket start server=%s'",
		.meaning = "The command needs a running server, and this one "
		    "is not running (its control socket does not answer).",
		.action = "Start the server as the message says; if it "
		    "stopped by itself, tape-socket status shows why.",
	},
	[MSG_CLI_NO_SERVERS] = {
		.name = "CLI_NO_SERVERS", .code = "CLI", .number = 14,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "no server is set up in config-file; create one with "
		    "'tape-socket setup servertype=IN' or OUT",
		.fmt = "no server is set up in %s; create one with "
		    "'tape-socket setup servertype=IN' or OUT",
		.meaning = "The configuration of this home holds no server.",
		.action = "Set one up as the message says, or point "
		    "TAPESOCK_HOME at the home that has the servers.",
	},
	[MSG_CLI_TXOPT_IGNORED] = {
		.name = "CLI_TXOPT_IGNORED", .code = "CLI", .number = 15,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "warning: txopt=value has no effect: it applies only "
		    "to an OUT server with txlog=ON",
		.fmt = "warning: txopt=%s has no effect: it applies only to "
		    "an OUT server with txlog=ON",
		.meaning = "txopt was given for an input server, or for a "
		    "server not linked to the transaction logger. The value "
		    "is stored but not used.",
		.action = "None, or set servertype=OUT and txlog=ON if the "
		    "option is meant to be used.",
	},
	[MSG_CLI_SETUP_DONE] = {
		.name = "CLI_SETUP_DONE", .code = "CLI", .number = 16,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "server 'name' set up in config-file",
		.fmt = "server '%s' set up in %s",
		.meaning = "tape-socket setup wrote the server's parameters "
		    "into the configuration.",
		.action = "None. Start the server with tape-socket start.",
	},
	[MSG_CLI_SETARG_DONE] = {
		.name = "CLI_SETARG_DONE", .code = "CLI", .number = 17,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "server 'name' changed: changes",
		.fmt = "server '%s' changed: %s",
		.meaning = "tape-socket setarg changed the listed parameters "
		    "of the server in the configuration.",
		.action = "None. A running server uses the new values once "
		    "stopped and started again.",
	},
	[MSG_CLI_DRAINED] = {
		.name = "CLI_DRAINED", .code = "CLI", .number = 18,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "Drained n bytes from pipe into backup-file",
		.fmt = "Drained %llu bytes from %s into %s",
		.meaning = "The pipe was emptied; the n bytes drained out "
		    "were appended to the backup file (ts.log,backup in the "
		    "home).",
		.action = "None. The drained data can be processed later "
		    "from the backup file.",
	},
	[MSG_CLI_DRAIN_ERR] = {
		.name = "CLI_DRAIN_ERR", .code = "CLI", .number = 19,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot drain pipe: error-message; check the pipe "
		    "exists and is readable",
		.fmt = "cannot drain %s: %s; check the pipe exists and is "
		    "readable",
		.meaning = "The pipe could not be opened or read, or the "
		    "backup file could not be written.",
		.action = "Check the pipe with ls -l (a FIFO readable by "
		    "you) and that the home has free space.",
	},
	[MSG_CLI_NOT_TXLOG] = {
		.name = "CLI_NOT_TXLOG", .code = "CLI", .number = 20,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' is not linked to the transaction "
		    "logger (txlog=OFF); set txlog=ON with setarg first",
		.fmt = "server '%s' is not linked to the transaction logger "
		    "(txlog=OFF); set txlog=ON with setarg first",
		.meaning = "The command (e.g. tltest) works only on a server "
		    "linked to the transaction logger.",
		.action = "Run tape-socket setarg server=name txlog=ON, then "
		    "stop and start the server.",
	},
	[MSG_CLI_NO_MENU] = {
		.name = "CLI_NO_MENU", .code = "CLI", .number = 21,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "no command given, and this build has no menu; give "
		    "a command, see 'tape-socket --help'",
		.fmt = "no command given, and this build has no menu; give "
		    "a command, see 'tape-socket --help'",
		.meaning = "tape-socket was run without a command, which "
		    "opens the menu, but this build was made without the "
		    "menu.",
		.action = "Give a command on the command line, or build "
		    "tapesock with the menu (ncurses).",
	},
	[MSG_CLI_NOT_CONFIRMED] = {
		.name = "CLI_NOT_CONFIRMED", .code = "CLI", .number = 22,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "command: not confirmed; nothing was done",
		.fmt = "%s: not confirmed; nothing was done",
		.meaning = "The command asked for a confirmation (e.g. before "
		    "draining a pipe) and the answer was not yes.",
		.action = "None. To skip the question in scripts, give the "
		    "(Q option.",
	},
	[MSG_CLI_NOTHING_TO_SET] = {
		.name = "CLI_NOTHING_TO_SET", .code = "CLI", .number = 23,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "setarg: give at least one keyword=value to change: "
		    "list",
		.fmt = "setarg: give at least one keyword=value to change: "
		    "%s",
		.meaning = "tape-socket setarg was given no server parameter "
		    "to change.",
		.action = "Give one or more keyword=value of the listed "
		    "keywords.",
	},
	[MSG_CLI_NO_SERVER_OF_TYPE] = {
		.name = "CLI_NO_SERVER_OF_TYPE", .code = "CLI", .number = 24,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "no single type server is set up in config-file; name "
		    "it with server= or set one up with servertype=type",
		.fmt = "no single %s server is set up in %s; name it with "
		    "server= or set one up with servertype=%s",
		.meaning = "startsend or startreceive looks for the server of "
		    "type OUT or IN: the default server is not of that type, "
		    "and there is none, or more than one, of that type.",
		.action = "Name the server with server=, or set one up as "
		    "the message says.",
	},
	[MSG_CLI_NO_SUCH_SERVER] = {
		.name = "CLI_NO_SUCH_SERVER", .code = "CLI", .number = 25,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "no server of this home has keyword=value; see "
		    "'tape-socket status'",
		.fmt = "no server of this home has %s=%s; see 'tape-socket "
		    "status'",
		.meaning = "query or stop was given pib= (a server's process "
		    "id) or pipe=, and no server of this home matches it.",
		.action = "Take the id or pipe from tape-socket status, or "
		    "name the server with server=.",
	},
	[MSG_CLI_SERVER_INCOMPLETE] = {
		.name = "CLI_SERVER_INCOMPLETE", .code = "CLI", .number = 26,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' has no keyword; set it with "
		    "'tape-socket setarg server=name keyword=...'",
		.fmt = "server '%s' has no %s; set it with 'tape-socket "
		    "setarg server=%s %s=...'",
		.meaning = "The server cannot start: a parameter it needs "
		    "(port, pipe, or host for an output server) is not set.",
		.action = "Set it with tape-socket setarg as the message "
		    "says, then start the server.",
	},
	[MSG_CLI_WRONG_TYPE] = {
		.name = "CLI_WRONG_TYPE", .code = "CLI", .number = 27,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' is of type type; command starts the "
		    "other type",
		.fmt = "server '%s' is of type %s; %s starts the other type",
		.meaning = "startsend starts an output (OUT) server and "
		    "startreceive an input (IN) server; the server named is "
		    "of the other type.",
		.action = "Use tape-socket start server=name, or the start "
		    "command of the server's type.",
	},
	[MSG_CLI_CONTROL_ERR] = {
		.name = "CLI_CONTROL_ERR", .code = "CLI", .number = 29,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot reach server 'name' at socket: reason; check "
		    "'tape-socket status'",
		.fmt = "cannot reach server '%s' at %s: %s; check "
		    "'tape-socket status'",
		.meaning = "The server's pid file says it runs, but its "
		    "control socket in the home did not answer the request.",
		.action = "Check with tape-socket status whether the server "
		    "still runs; if it hangs, stop it with kill(1) and start "
		    "it again.",
	},
	[MSG_CLI_NONE_RUNNING] = {
		.name = "CLI_NONE_RUNNING", .code = "CLI", .number = 30,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "no server of home is running",
		.fmt = "no server of %s is running",
		.meaning = "stopall found no running server in the home: "
		    "there was nothing to stop.",
		.action = "None.",
	},
	[MSG_CLI_STARTED] = {
		.name = "CLI_STARTED", .code = "CLI", .number = 31,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "server 'name' Started (pid n)",
		.fmt = "server '%s' Started (pid %ld)",
		.meaning = "The server process runs and serves: its pipe, its "
		    "port and its control socket are open.",
		.action = "None. Follow it with 'tape-socket status' and "
		    "'tape-socket query'.",
	},
	[MSG_CLI_START_FAILED] = {
		.name = "CLI_START_FAILED", .code = "CLI", .number = 32,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot start server 'name': reason",
		.fmt = "cannot start server '%s': %s",
		.meaning = "The server process could not start; the reason is "
		    "the one it gave (from this catalogue).",
		.action = "Correct what the reason names and start again; "
		    "'tape-socket status' shows the server's last trace.",
	},
	[MSG_CLI_STOPPED] = {
		.name = "CLI_STOPPED", .code = "CLI", .number = 33,
		.severity = LOG_NOTICE, .type = MT_NOTICE,
		.text = "server 'name' stopped: last trace",
		.fmt = "server '%s' stopped: %s",
		.meaning = "The server has ended; its last trace follows "
		    "(\"Stop on req\" when everything it held was delivered).",
		.action = "None when the trace is \"Stop on req\"; otherwise "
		    "see 'tape-socket status' and the permanent log.",
	},
	[MSG_CLI_STOP_FAILED] = {
		.name = "CLI_STOP_FAILED", .code = "CLI", .number = 34,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' did not stop cleanly: reason",
		.fmt = "server '%s' did not stop cleanly: %s",
		.meaning = "The stop did not do all it promises: the server is "
		    "still running, or it ended with messages pending.",
		.action = "Check the other server and the reader of the pipe, "
		    "then stop again or start the server to deliver the rest.",
	},
	[MSG_CLI_PIPE_NOT_EMPTY] = {
		.name = "CLI_PIPE_NOT_EMPTY", .code = "CLI", .number = 35,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "warning: pipe holds n bytes not yet sent",
		.fmt = "warning: %s holds %ld bytes not yet taken by the server",
		.meaning = "Stopping a server while its pipe holds data is not "
		    "recommended: the data stays in the pipe until the server "
		    "runs again (and is drained at its next start without (C).",
		.action = "Let the server empty the pipe first, or start it "
		    "again with (C to keep that data.",
	},
	[MSG_CLI_RESET_RUNNING] = {
		.name = "CLI_RESET_RUNNING", .code = "CLI", .number = 38,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name' is running; stop it before a reset",
		.fmt = "server '%s' is running; stop it before a reset",
		.meaning = "reset changes the stream state a running server "
		    "works with; it is refused and nothing changes.",
		.action = "tape-socket stop server=name, then reset again.",
	},
	[MSG_CLI_RESET_DONE] = {
		.name = "CLI_RESET_DONE", .code = "CLI", .number = 39,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "server 'name': stream reset, n message(s) and b bytes "
		    "discarded",
		.fmt = "server '%s': stream reset, %llu message(s) and %llu "
		    "bytes discarded",
		.meaning = "The server's stream identity, message numbers and "
		    "(output server) spool are gone: at its next start an "
		    "output server begins a new stream from message 1, an "
		    "input server accepts the next stream that calls.",
		.action = "Reset the other server of the pair as well, then "
		    "start both.",
	},
	[MSG_CLI_OUT_ONLY] = {
		.name = "CLI_OUT_ONLY", .code = "CLI", .number = 40,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "command is an output server command; 'name' is of "
		    "type IN",
		.fmt = "%s is an output server command; '%s' is of type IN",
		.meaning = "The command acts on the sending side of a pair.",
		.action = "Name the output server (server=name), or run the "
		    "command on the sending machine.",
	},

	[MSG_CLI_KEYWORD_CONFLICT] = {
		.name = "CLI_KEYWORD_CONFLICT", .code = "CLI", .number = 36,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "server 'name': problem",
		.fmt = "server '%s': %s",
		.meaning = "Values that are valid one by one do not go together "
		    "(hbtimeout must be at least twice hbint). Nothing was "
		    "changed.",
		.action = "Give values that agree, as the message says.",
	},
	[MSG_CLI_STOP_FORCED] = {
		.name = "CLI_STOP_FORCED", .code = "CLI", .number = 37,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "server 'name' stopped (forced): last trace",
		.fmt = "server '%s' stopped (forced): %s",
		.meaning = "The server stopped at once, as wait=0 asked, with "
		    "messages pending; its last trace says which and what "
		    "becomes of them.",
		.action = "Start the server again to deliver what was pending.",
	},
	/* CFG: configuration file and state home. */
	[MSG_CFG_SYNTAX] = {
		.name = "CFG_SYNTAX", .code = "CFG", .number = 1,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: problem; fix the file, it was not "
		    "changed",
		.fmt = "%s:%lu:%lu: %s; fix the file, it was not changed",
		.meaning = "The configuration file is not valid YAML; the "
		    "message gives the position and the problem found by "
		    "the YAML parser.",
		.action = "Correct the file at that position (indentation, "
		    "quotes, colons), or set it up again with tape-socket "
		    "setup.",
	},
	[MSG_CFG_STRUCTURE] = {
		.name = "CFG_STRUCTURE", .code = "CFG", .number = 2,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: problem; see tapesock.yaml(5)",
		.fmt = "%s:%lu:%lu: %s; see tapesock.yaml(5)",
		.meaning = "The configuration file is valid YAML but not "
		    "shaped as tapesock expects (e.g. a list where a "
		    "mapping of servers is expected).",
		.action = "Correct the file as tapesock.yaml(5) describes; "
		    "the sample in etc/ shows every key.",
	},
	[MSG_CFG_UNKNOWN_KEY] = {
		.name = "CFG_UNKNOWN_KEY", .code = "CFG", .number = 3,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: unknown key 'key'; see "
		    "tapesock.yaml(5)",
		.fmt = "%s:%lu:%lu: unknown key '%s'; see tapesock.yaml(5)",
		.meaning = "The configuration file has a key tapesock does "
		    "not know, often a misspelling.",
		.action = "Correct or remove the key.",
	},
	[MSG_CFG_DUP_KEY] = {
		.name = "CFG_DUP_KEY", .code = "CFG", .number = 4,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: key 'key' given twice",
		.fmt = "%s:%lu:%lu: key '%s' given twice",
		.meaning = "A key appears twice in the same mapping of the "
		    "configuration file; tapesock does not guess which one "
		    "is meant.",
		.action = "Keep one of the two.",
	},
	[MSG_CFG_BAD_VALUE] = {
		.name = "CFG_BAD_VALUE", .code = "CFG", .number = 5,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: key=value: problem; allowed: "
		    "allowed-values",
		.fmt = "%s:%lu:%lu: %s=%s: %s; allowed: %s",
		.meaning = "A value in the configuration file is not valid "
		    "for its key; the message says what is wrong and what "
		    "is allowed.",
		.action = "Correct the value, or change it with tape-socket "
		    "setarg.",
	},
	[MSG_CFG_MISSING_KEY] = {
		.name = "CFG_MISSING_KEY", .code = "CFG", .number = 6,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: server 'name' has no key",
		.fmt = "%s:%lu:%lu: server '%s' has no %s",
		.meaning = "A server in the configuration file lacks a key "
		    "it requires (e.g. servertype, port, pipe).",
		.action = "Add the key, or give it with tape-socket setarg.",
	},
	[MSG_CFG_READ_ERR] = {
		.name = "CFG_READ_ERR", .code = "CFG", .number = 7,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot read file: error-message",
		.fmt = "cannot read %s: %s",
		.meaning = "The configuration file exists but could not be "
		    "read.",
		.action = "Check its permissions (ls -l) and that it is "
		    "owned by the user running tape-socket.",
	},
	[MSG_CFG_WRITE_ERR] = {
		.name = "CFG_WRITE_ERR", .code = "CFG", .number = 8,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot write file: error-message; the old file is "
		    "unchanged",
		.fmt = "cannot write %s: %s; the old file is unchanged",
		.meaning = "The new configuration could not be written; it "
		    "is replaced atomically, so the old one is intact.",
		.action = "Check that the home is writable and its file "
		    "system is not full (df), then repeat the command.",
	},
	[MSG_CFG_LOCK_ERR] = {
		.name = "CFG_LOCK_ERR", .code = "CFG", .number = 9,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot lock file: error-message",
		.fmt = "cannot lock %s: %s",
		.meaning = "The lock that serializes changes to the "
		    "configuration could not be taken.",
		.action = "Check that the home is writable by you (ls -ld).",
	},
	[MSG_CFG_HOME_ERR] = {
		.name = "CFG_HOME_ERR", .code = "CFG", .number = 10,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot use state home directory: error-message; set "
		    "TAPESOCK_HOME to a writable directory",
		.fmt = "cannot use state home %s: %s; set TAPESOCK_HOME to "
		    "a writable directory",
		.meaning = "The state home (TAPESOCK_HOME, else "
		    "/var/lib/tapesock for root, else "
		    "$XDG_STATE_HOME/tapesock) could not be created or "
		    "opened.",
		.action = "Set TAPESOCK_HOME to a directory you can write, "
		    "or create the default one with the right owner.",
	},
	[MSG_CFG_HOME_UNSAFE] = {
		.name = "CFG_HOME_UNSAFE", .code = "CFG", .number = 11,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "state home directory is problem; make it owned by "
		    "you and not writable by others (chmod 700)",
		.fmt = "state home %s is %s; make it owned by you and not "
		    "writable by others (chmod 700)",
		.meaning = "The state home belongs to another user or can be "
		    "written by others: anyone could then change the "
		    "configuration or the control sockets. tape-socket "
		    "refuses to use it.",
		.action = "chown it to yourself and chmod 700 it, or set "
		    "TAPESOCK_HOME to a private directory.",
	},
	[MSG_CFG_NO_GROUP] = {
		.name = "CFG_NO_GROUP", .code = "CFG", .number = 12,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "group 'name' of file does not exist",
		.fmt = "group '%s' of %s does not exist; create it (groupadd) "
		    "or change the group: key",
		.meaning = "The configuration names a group whose members may "
		    "query and stop the servers, but there is no such group.",
		.action = "Create the group with groupadd, or correct or remove "
		    "the group: key of the configuration.",
	},

	[MSG_CFG_KEYWORD_CONFLICT] = {
		.name = "CFG_KEYWORD_CONFLICT", .code = "CFG", .number = 13,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "file:line:column: server 'name': problem",
		.fmt = "%s:%lu:%lu: server '%s': %s",
		.meaning = "Values of one server of the configuration file are "
		    "valid one by one but do not go together (hbtimeout must "
		    "be at least twice hbint).",
		.action = "Correct the file as the message says, or set the "
		    "values with tape-socket setarg.",
	},
	/* LOG: the logs themselves. */
	[MSG_LOG_WRITE_ERR] = {
		.name = "LOG_WRITE_ERR", .code = "LOG", .number = 1,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot write log file: error-message",
		.fmt = "cannot write log %s: %s",
		.meaning = "A trace or a permanent log record could not be "
		    "written. The message still went to syslog.",
		.action = "Check that the home's file system is not full or "
		    "read-only (df, mount) and that the log belongs to the "
		    "user running the server.",
	},
	[MSG_LOG_READ_ERR] = {
		.name = "LOG_READ_ERR", .code = "LOG", .number = 2,
		.severity = LOG_ERR, .type = MT_ERROR,
		.text = "cannot read log file: error-message",
		.fmt = "cannot read log %s: %s",
		.meaning = "ts.log or ts.log,log could not be read.",
		.action = "Check the file's permissions (ls -l) and that "
		    "TAPESOCK_HOME names the right home.",
	},
	[MSG_LOG_BAD_RECORD] = {
		.name = "LOG_BAD_RECORD", .code = "LOG", .number = 3,
		.severity = LOG_WARNING, .type = MT_WARNING,
		.text = "file: n malformed record(s) skipped",
		.fmt = "%s: %zu malformed record(s) skipped",
		.meaning = "Parts of a log are not in the record format (a "
		    "crash in the middle of a write, or an edit by hand); "
		    "they were skipped and the rest was read.",
		.action = "None if it follows a crash. The file can be "
		    "inspected with a text editor; records end with a line "
		    "====.",
	},
};

const struct msgdef *
catalog_get(enum msgid id)
{
	if ((unsigned)id >= MSG__COUNT)
		return NULL;
	return &catalog[id];
}

size_t
catalog_count(void)
{
	return MSG__COUNT;
}

const struct msgdef *
catalog_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < MSG__COUNT; i++)
		if (catalog[i].name != NULL &&
		    strcmp(catalog[i].name, name) == 0)
			return &catalog[i];
	return NULL;
}

const struct msgdef *
catalog_by_code(const char *code, int number)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < MSG__COUNT; i++)
		if (catalog[i].code != NULL && catalog[i].number == number &&
		    strcmp(catalog[i].code, code) == 0)
			return &catalog[i];
	return NULL;
}

const char *
msgtype_name(enum msgtype t)
{
	switch (t) {
	case MT_NOTICE:
		return "NOTICE";
	case MT_WARNING:
		return "WARNING";
	case MT_ERROR:
		return "ERROR";
	case MT_FATAL:
		return "FATAL ERROR";
	}
	return "ERROR";
}

char *
msg_vformat(char *buf, size_t size, enum msgid id, va_list ap)
{
	const struct msgdef *m = catalog_get(id);

	if (size == 0)
		return buf;
	if (m == NULL || m->fmt == NULL) {
		snprintf(buf, size, "unknown message %d", (int)id);
		return buf;
	}
	/* The format comes from the table; its arguments are pinned by
	 * the catalogue's unit test instead of the compiler. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(buf, size, m->fmt, ap);
#pragma GCC diagnostic pop
	return buf;
}

char *
msg_format(char *buf, size_t size, enum msgid id, ...)
{
	va_list ap;

	va_start(ap, id);
	msg_vformat(buf, size, id, ap);
	va_end(ap);
	return buf;
}

void
msg_err(enum msgid id, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, id);
	msg_vformat(buf, sizeof(buf), id, ap);
	va_end(ap);
	fprintf(stderr, "tape-socket: %s\n", buf);
}

void
msg_out(int quiet, enum msgid id, ...)
{
	char buf[4096];
	va_list ap;

	if (quiet)
		return;
	va_start(ap, id);
	msg_vformat(buf, sizeof(buf), id, ap);
	va_end(ap);
	printf("%s\n", buf);
}
